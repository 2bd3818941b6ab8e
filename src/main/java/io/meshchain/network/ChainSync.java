package io.meshchain.network;

import io.meshchain.ledger.Block;
import io.meshchain.ledger.ChainPage;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.ChainTip;
import io.meshchain.ledger.ForkChoice;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Catches up with a peer whose summary is better than this node's chain. It fetches only the blocks
 * this node lacks, walking back from the tip to the common ancestor, and hands them to
 * {@link ChainService#adopt}, which validates every one before switching. A peer that serves
 * anything wrong is logged and skipped; this node's chain stays as it was.
 */
@Component
class ChainSync {

    private static final Logger log = LoggerFactory.getLogger(ChainSync.class);

    /** Blocks asked for per request; the serving node caps pages at 1000. */
    static final int PAGE_SIZE = 500;
    /** Most blocks fetched in one sync; a longer chain is adopted in parts over several heartbeats. */
    static final int MAX_BLOCKS_PER_SYNC = 50_000;
    /** Rule name reported when a peer serves a block at another height than asked. */
    static final String INDEX_RULE = "index-follows-parent";
    /** Rule name reported when a peer's chain grows from a different genesis block. */
    static final String SAME_GENESIS_RULE = "same-genesis";
    /** Refused tips remembered, so a peer that keeps advertising a bad chain is not downloaded again. */
    static final int REMEMBERED_REFUSALS = 1024;
    /**
     * Refusals not remembered: a block too far in the future may become valid later, and a slow
     * answer may have been the network's fault.
     */
    private static final Set<String> RETRYABLE_RULES = Set.of("timestamp-not-in-future", PeerException.TOO_SLOW);

    private final ChainService chain;
    private final PeerClient client;
    private final MeterRegistry meters;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Set<String> refusedTips = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED_REFUSALS;
                }
            }));

    ChainSync(ChainService chain, PeerClient client, MeterRegistry meters) {
        this.chain = chain;
        this.client = client;
        this.meters = meters;
    }

    /** Syncs from {@code peer} unless another sync is under way (the next heartbeat tries again). */
    void syncFrom(Peer peer, NodeSummary remote) {
        if (refusedTips.contains(remote.tipHash()) || !running.compareAndSet(false, true)) {
            return;
        }
        try {
            ChainService.Adoption result = sync(peer, remote);
            if (result == ChainService.Adoption.ADOPTED) {
                log.info("Adopted the chain of peer {}: height {}, tip {}", peer, chain.tip().height(), chain.tip().hash());
            }
        } catch (BlockRejectedException e) {
            refuse(peer, remote, e.rule(), e.getMessage());
        } catch (PeerException e) {
            if (e.rule() == null) {
                log.warn("Could not sync from peer {}: {}", peer, e.getMessage());
            } else {
                refuse(peer, remote, e.rule(), e.getMessage());
            }
        } catch (RuntimeException e) {
            log.warn("Could not sync from peer {}: {}", peer, describe(e));
        } finally {
            running.set(false);
        }
    }

    private void refuse(Peer peer, NodeSummary remote, String rule, String why) {
        Counter.builder("meshchain.blocks.rejected")
                .description("Chains from peers refused, by the rule they broke")
                .tag("rule", rule)
                .register(meters)
                .increment();
        if (!RETRYABLE_RULES.contains(rule)) {
            refusedTips.add(remote.tipHash());
        }
        log.warn("Refused the chain of peer {}: {}", peer, why);
    }

    private ChainService.Adoption sync(Peer peer, NodeSummary remote) throws BlockRejectedException {
        ChainTip local = chain.tip();
        if (remote.height() < 1 || !ForkChoice.isBetter(remote.tip(), local)) {
            return ChainService.Adoption.NOT_BETTER;
        }
        long start = Math.min(local.height() + 1, remote.height());
        List<Block> suffix = new ArrayList<>(fetch(peer, start, remote.height()));
        if (suffix.isEmpty()) {
            throw new PeerException("advertised height " + remote.height() + " but served no block from " + start);
        }
        long step = 1;
        while (!attaches(suffix.get(0))) {
            long first = suffix.get(0).index();
            if (first <= 1) {
                throw new BlockRejectedException(SAME_GENESIS_RULE, first,
                        "the peer's chain does not grow from this network's genesis block");
            }
            long from = Math.max(1, first - step);
            step = Math.min(step * 2, PAGE_SIZE);
            List<Block> earlier = fetch(peer, from, first - 1);
            if (earlier.size() != first - from) {
                throw new PeerException("served " + earlier.size() + " blocks from " + from + " when asked for " + (first - from));
            }
            suffix.addAll(0, earlier);
        }
        int shared = 0;
        while (shared < suffix.size() && isOwnBlock(suffix.get(shared))) {
            shared++;
        }
        return chain.adopt(suffix.subList(shared, suffix.size()));
    }

    private boolean attaches(Block block) {
        return chain.hashAt(block.index() - 1).map(hash -> hash.equals(block.previousHash())).orElse(false);
    }

    private boolean isOwnBlock(Block block) {
        return chain.hashAt(block.index()).map(hash -> hash.equals(block.hash())).orElse(false);
    }

    /** Blocks {@code from..to}, page by page; stops early when the peer has no more. */
    private List<Block> fetch(Peer peer, long from, long to) throws BlockRejectedException {
        List<Block> blocks = new ArrayList<>();
        long next = from;
        while (next <= to && blocks.size() < MAX_BLOCKS_PER_SYNC) {
            int limit = (int) Math.min(PAGE_SIZE, to - next + 1);
            ChainPage page = client.blocks(peer, next, limit);
            List<Block> served = page.blocks();
            if (served.size() > limit) {
                throw new PeerException(PeerException.MALFORMED, "served " + served.size() + " blocks when asked for "
                        + limit);
            }
            for (int i = 0; i < served.size(); i++) {
                if (served.get(i).index() != next + i) {
                    throw new BlockRejectedException(INDEX_RULE, served.get(i).index(),
                            "served as block " + (next + i));
                }
            }
            blocks.addAll(served);
            if (served.size() < limit) {
                break;
            }
            next += limit;
        }
        return blocks;
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }
}
