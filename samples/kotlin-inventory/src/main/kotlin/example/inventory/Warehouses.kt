package example.inventory

/** Which SKUs each warehouse holds, exported to the planning tool. */
class Warehouses {
    private val skusByWarehouse = HashMap<String, MutableSet<String>>()
    private val openedAt = HashMap<String, java.time.Instant>()

    @Synchronized
    fun stock(warehouse: String, sku: String) {
        skusByWarehouse.getOrPut(warehouse) { mutableSetOf() }.add(sku)
        openedAt.putIfAbsent(warehouse, java.time.Instant.now())
    }

    /** The planning tool edits the sets it gets: they are the service's own. */
    @Synchronized
    fun export(): Map<String, Set<String>> = skusByWarehouse.toMutableMap() // mapsafe-expect: ShallowMapCopyLeak

    /** Correct: each set is copied too. */
    @Synchronized
    fun exportForAudit(): Map<String, Set<String>> = skusByWarehouse.mapValues { (_, skus) -> skus.toSet() }

    /** Not an escape: internal code of this module (the stock reconciler) is the only caller. */
    @Synchronized
    internal fun exportForReconciler(): Map<String, Set<String>> = skusByWarehouse.toMutableMap()

    /** Correct: Instant is immutable. */
    @Synchronized
    fun openings(): Map<String, java.time.Instant> = openedAt.toMutableMap()
}
