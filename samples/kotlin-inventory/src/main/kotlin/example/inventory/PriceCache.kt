package example.inventory

import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ConcurrentMap

/** Prices looked up from a slow catalog service, cached for all request threads, and who watches each SKU. */
class PriceCache(private val catalog: (String) -> Long) {
    // Declared as MutableMap: getOrPut is then the MutableMap extension, get-then-put.
    private val prices: MutableMap<String, Long> = ConcurrentHashMap()
    private val watchers: MutableMap<String, MutableList<String>> = ConcurrentHashMap()
    // Declared as ConcurrentMap: getOrPut is the ConcurrentMap extension, which uses putIfAbsent.
    private val discounts: ConcurrentMap<String, Long> = ConcurrentHashMap()

    /** Two threads may both ask the catalog, and store the same price: memoization, not a bug. */
    fun price(sku: String): Long = prices.getOrPut(sku) { catalog(sku) }

    /** Two threads may each put their own new list: the watcher added to the replaced one is lost. */
    fun watch(sku: String, user: String) {
        watchers.getOrPut(sku) { mutableListOf() }.add(user) // mapsafe-expect: NonAtomicMapUpdate
    }

    fun discount(sku: String): Long = discounts.getOrPut(sku) { catalog("discount/$sku") }
}
