package example.inventory

import java.util.Collections
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ExecutorService

/** Stock levels, shared by the whole service: a singleton `object` written by tasks on an executor. */
object StockLedger {
    private val levels = HashMap<String, Int>()
    private val reserved = Collections.synchronizedMap(HashMap<String, Int>())
    private val safeLevels = ConcurrentHashMap<String, Int>()

    fun restockAsync(executor: ExecutorService, sku: String, amount: Int) {
        executor.submit {
            levels[sku] = (levels[sku] ?: 0) + amount // mapsafe-expect: UnguardedSharedMap
        }
    }

    fun level(sku: String): Int = levels[sku] ?: 0

    fun reserve(sku: String, amount: Int) {
        reserved.merge(sku, amount, Int::plus)
    }

    /** Iterates the synchronized wrapper without holding its monitor. */
    fun reservedTotal(): Int {
        var total = 0
        for ((_, amount) in reserved) { // mapsafe-expect: UnlockedMapIteration
            total += amount
        }
        return total
    }

    /** Correct: the traversal holds the wrapper's monitor. */
    fun reservedSkus(): List<String> = synchronized(reserved) { reserved.keys.toList() }

    /** Correct: a ConcurrentHashMap written from tasks. */
    fun restockSafely(executor: ExecutorService, sku: String, amount: Int) {
        executor.submit { safeLevels.merge(sku, amount, Int::plus) }
    }
}
