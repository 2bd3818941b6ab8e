package io.meshchain.ledger;

import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.List;
import org.junit.jupiter.api.Test;

import static io.meshchain.ledger.ChainFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger's reads, as users and peers see them: the tip, pages of the chain, a block, pages of the
 * pending pool; and its promise that every change is recorded in the store. What each of its parts
 * does is tested through it in the part's own class: {@link AdmissionTest}, {@link BlockTemplatesTest},
 * {@link ChainSwitchTest}, {@link ChainAnnouncementsTest}, {@link PoolCompactionTest} and
 * {@link LedgerStartupTest}.
 */
class ChainServiceTest {

    private final LedgerFixture ledger = new LedgerFixture();
    private final ChainService service = ledger.service();
    private final InMemoryLedgerStore store = ledger.store();

    @Test
    void startsFromTheNetworksGenesis() {
        assertThat(service.tip().height()).isZero();
        assertThat(service.tip().hash()).isEqualTo(Genesis.block(ChainFixture.DIFFICULTY).hash());
    }

    @Test
    void pagesOfTheChainAreServedInOrder() throws Exception {
        ledger.submitAll(15);
        ledger.mineDue();
        ledger.mineDue();
        ledger.mineDue();
        ChainPage page = service.page(1, 2);
        assertThat(page.height()).isEqualTo(3);
        assertThat(page.blocks()).extracting(Block::index).containsExactly(1L, 2L);
        assertThat(service.page(4, 10).blocks()).isEmpty();
        assertThat(service.block(page.blocks().get(0).hash())).contains(page.blocks().get(0));
    }

    @Test
    void everyChangeIsRecordedInTheStore() throws Exception {
        List<Transaction> transactions = ledger.submitAll(5);
        Block mined = ledger.mineDue();
        Block b1 = ChainFixture.mine(service.genesis(), List.of(ChainFixture.tx()), NOW);
        Block b2 = ChainFixture.mine(b1, List.of(ChainFixture.tx()), NOW + 1);
        service.adopt(List.of(b1, b2));

        assertThat(store.pending()).extracting(PendingTransaction::transaction).containsExactlyElementsOf(transactions);
        assertThat(store.blockRecords()).containsExactly(List.of(mined), List.of(b1, b2));
    }

    @Test
    void pendingPoolIsReadAPageAtATime() {
        List<Transaction> transactions = ledger.submitAll(12);
        PendingPage page = service.pending(5, 4);
        assertThat(page.total()).isEqualTo(12);
        assertThat(page.offset()).isEqualTo(5);
        assertThat(page.transactions()).isEqualTo(transactions.subList(5, 9));
        assertThat(service.pending(10, 100).transactions()).isEqualTo(transactions.subList(10, 12));
        assertThat(service.pending(12, 100).transactions()).isEmpty();
    }
}
