package io.meshchain.wire;

/**
 * How many blocks or transactions travel in one request: a page of them, or a batch offered at once.
 * It is here, in {@code wire}, a package that imports none of the others, because the node that
 * serves pages and takes batches ({@code api}), those that ask for pages and relay batches
 * ({@code network}, {@code cli}) and the ledger that reads and offers blocks a page at a time and
 * admits a batch ({@code ledger}) must agree on it without depending on each other.
 */
public final class Paging {

    /**
     * Most items in a page, 1,000. It bounds the blocks {@code GET /chain} serves at once (a larger
     * {@code limit} is capped to it) and the transactions {@code GET /transactions} lists at once (a
     * larger {@code limit} is refused); the blocks a syncing node asks a peer for in one request; what
     * the client, {@code export} and {@code import} ask for or offer at a time; and the blocks the ledger
     * reads at a time to check its stored chain or to leave a branch. The API's descriptions say 1000 in
     * words.
     */
    public static final int MAX_ITEMS = 1000;

    /**
     * Most transactions offered in one batch, 256: what {@code POST /transactions/batch} takes at once
     * (a larger batch is refused), and what a node relays to a peer in one call. 256 of the largest
     * transactions a client may send fit well within the 256 KiB body limit of a request.
     */
    public static final int MAX_BATCH = 256;

    private Paging() {
    }
}
