package example.inventory

import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ConcurrentMap

/** Prices looked up from a slow catalog service, cached for all request threads. */
class PriceCache(private val catalog: (String) -> Long) {
    // Declared as MutableMap: getOrPut is then the MutableMap extension, get-then-put.
    private val prices: MutableMap<String, Long> = ConcurrentHashMap()
    // Declared as ConcurrentMap: getOrPut is the ConcurrentMap extension, which uses putIfAbsent.
    private val discounts: ConcurrentMap<String, Long> = ConcurrentHashMap()

    fun price(sku: String): Long = prices.getOrPut(sku) { catalog(sku) } // mapsafe-expect: NonAtomicMapUpdate

    fun discount(sku: String): Long = discounts.getOrPut(sku) { catalog("discount/$sku") }
}
