package io.meshchain.storage;

import java.nio.file.Path;

/**
 * The store's state, for health.
 *
 * @param directory     the data directory
 * @param fsync         whether writes are forced to disk before they are acknowledged
 * @param blocksBytes   bytes of records in the block log
 * @param pendingBytes  bytes of records in the pool journal
 * @param lastWrite     epoch milliseconds of the last successful write, 0 before the first
 * @param failure       why the last write failed, or null while writes succeed
 * @param recovery      what start-up recovered
 */
record StorageStatus(Path directory, boolean fsync, long blocksBytes, long pendingBytes, long lastWrite,
                     String failure, Recovery recovery) {

    /**
     * @param blocks         height of the stored chain
     * @param pendingRecords pending transactions read back, before the ledger drops those its chain holds
     * @param tailRecords    block records read at start: those the index had not yet taken in (all of
     *                       them when it was built anew)
     * @param droppedBytes   torn or corrupt bytes cut from the end of the files
     * @param rebuilt        whether the index was built anew from the block log
     */
    record Recovery(long blocks, int pendingRecords, long tailRecords, long droppedBytes, boolean rebuilt) {
    }
}
