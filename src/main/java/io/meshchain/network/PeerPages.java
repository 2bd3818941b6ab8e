package io.meshchain.network;

import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.primitives.Block;
import io.meshchain.wire.Paging;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How a sync fetches a peer's blocks ({@link ChainSync}): a few blocks at a height, each checked to be
 * at its height, or a run of pages from one height up ({@link Run}), each requested while the one
 * before is worked on and sized in bytes rather than blocks, so that what a catching-up node holds is
 * bounded whatever its blocks hold.
 */
final class PeerPages {

    /**
     * Bytes a page of blocks aims at. Each request asks for as many blocks as this holds at the size
     * of the blocks of the page before, so what a catching-up node holds (the page it stores and the
     * one on its way) is bounded in bytes whatever its blocks hold, and a page of large blocks never
     * outgrows {@link PeerClient#MAX_PAGE_BYTES}. Small pages also die young: pages of 1,000 small
     * blocks outlived young collections and grew the heap of a node in a 512 MiB pod (BENCHMARKS.md).
     */
    static final int PAGE_BYTES = 256 * 1024;
    /** Blocks asked for by the first request of a sync, before the size of the peer's blocks is known. */
    static final int FIRST_PAGE = 100;
    /** The rule a block served at another height than asked for breaks. */
    static final String INDEX_RULE = "index-follows-parent";

    private final PeerClient client;
    /** Fetches the next page of each sync while the current one is worked on: a thread per sync slot. */
    private final ExecutorService fetcher = Executors.newFixedThreadPool(ChainSync.MAX_SYNCS, task -> {
        Thread thread = new Thread(task, "chain-sync-fetch");
        thread.setDaemon(true);
        return thread;
    });

    PeerPages(PeerClient client) {
        this.client = client;
    }

    /** Blocks {@code from..from+limit-1} as the peer serves them, each checked to be at its height. */
    PeerClient.FetchedPage page(Peer peer, long from, int limit) throws BlockRejectedException {
        PeerClient.FetchedPage fetched = client.blocks(peer, from, limit);
        List<Block> served = fetched.page().blocks();
        if (served.size() > limit) {
            throw new PeerException(PeerException.MALFORMED, "served " + served.size() + " blocks when asked for " + limit);
        }
        for (int i = 0; i < served.size(); i++) {
            if (served.get(i).index() != from + i) {
                throw new BlockRejectedException(INDEX_RULE, served.get(i).index(), "served as block " + (from + i));
            }
        }
        return fetched;
    }

    /** The peer's pages from {@code first} up to {@code last} (or further, as its chain grows). */
    Run run(Peer peer, long first, long last) {
        return new Run(peer, first, last, false);
    }

    /**
     * As {@link #run}, for a run whose first page may turn out not to be wanted (it starts at a
     * guessed height): the page after the first is asked for only once the caller {@link Run#goOn()}s.
     */
    Run tentativeRun(Peer peer, long first, long last) {
        return new Run(peer, first, last, true);
    }

    void shutdown() {
        fetcher.shutdownNow();
    }

    /**
     * The peer's pages from one height up to another, in order, each requested while the caller works
     * on the one before: a catching-up node's validation and the peer's serving overlap. At most two
     * pages are held, the one handed out and the one on its way, each of about {@link #PAGE_BYTES}.
     * A page the client refuses as too large is asked for again with half as many blocks.
     */
    final class Run implements AutoCloseable {

        private final Peer peer;
        private long last;
        private int blocksPerPage = FIRST_PAGE;
        private Future<Asked> ahead;
        /** Whether the page after the first waits for {@link #goOn()}. */
        private boolean tentative;
        /** Where the page held back by a tentative run starts; -1 when none is. */
        private long heldBack = -1;

        /** A page as served, and how many blocks were asked for: fewer served means the chain ended. */
        private record Asked(PeerClient.FetchedPage fetched, int limit) {
        }

        private Run(Peer peer, long first, long last, boolean tentative) {
            this.peer = peer;
            this.last = last;
            this.tentative = tentative;
            this.ahead = first <= last ? request(first) : null;
        }

        /** After the first page of a {@link #tentativeRun}: it is wanted, so the next is asked for. */
        void goOn() {
            tentative = false;
            if (heldBack >= 0) {
                ahead = request(heldBack);
                heldBack = -1;
            }
        }

        private Future<Asked> request(long from) {
            int limit = (int) Math.min(blocksPerPage, last - from + 1);
            return fetcher.submit(() -> fetch(from, limit));
        }

        private Asked fetch(long from, int limit) throws BlockRejectedException {
            int asked = limit;
            while (true) {
                try {
                    return new Asked(page(peer, from, asked), asked);
                } catch (PeerException e) {
                    if (!PeerException.TOO_LARGE.equals(e.rule()) || asked == 1) {
                        throw e;
                    }
                    asked /= 2;
                }
            }
        }

        boolean hasNext() {
            return ahead != null || heldBack >= 0;
        }

        /** The next page, once it has arrived; the one after it is requested at once. */
        PeerClient.FetchedPage next() throws BlockRejectedException {
            if (ahead == null && heldBack >= 0) {
                goOn();
            }
            if (ahead == null) {
                throw new IllegalStateException("no page was asked for beyond block " + last);
            }
            Asked asked = await(ahead);
            List<Block> served = asked.fetched().page().blocks();
            ahead = null;
            // The peer's chain grew during the sync: follow it. While branches grow side by side, this
            // node's chain grows too, and a branch fetched only up to the height the peer advertised
            // would be a block short of it every time the sync ended.
            last = Math.max(last, asked.fetched().page().height());
            if (!served.isEmpty() && served.size() == asked.limit()) {
                long bytesPerBlock = Math.max(1, ((long) asked.fetched().bytes() + served.size() - 1) / served.size());
                blocksPerPage = (int) Math.max(1, Math.min(Paging.MAX_ITEMS, PAGE_BYTES / bytesPerBlock));
                long following = served.get(served.size() - 1).index() + 1;
                if (following <= last) {
                    if (tentative) {
                        heldBack = following;
                    } else {
                        ahead = request(following);
                    }
                }
            }
            return asked.fetched();
        }

        private Asked await(Future<Asked> page) throws BlockRejectedException {
            try {
                return page.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PeerException("interrupted while waiting for a page of blocks");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof BlockRejectedException rejected) {
                    throw rejected;
                }
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        @Override
        public void close() {
            if (ahead != null) {
                ahead.cancel(true);
            }
        }
    }
}
