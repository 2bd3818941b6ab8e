package io.meshchain.ledger;

import io.meshchain.crypto.Signatures;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static io.meshchain.ledger.ChainFixture.NOW;
import static io.meshchain.ledger.ChainFixture.OTHER_KEY;
import static io.meshchain.ledger.LedgerFixture.pending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every change of the chain's blocks ({@link ChainSwitch}), through {@link ChainService}: a mined
 * block or an external proof appended, stale work refused; a peer's chain adopted only when it is
 * better and every block keeps every rule (the median time past, signatures, verified in parallel
 * for a long suffix); reorganisations returning abandoned transactions to the pool, reading below
 * the blocks kept in memory, refused beyond their depth, undoing bindings and dropping what a new
 * binding refuses; nothing changed that the store did not keep.
 */
class ChainSwitchTest {

    private final LedgerFixture ledger = new LedgerFixture();
    private final ChainService service = ledger.service();
    private final MutableClock clock = ledger.clock();
    private final List<Object> events = ledger.events();
    private final InMemoryLedgerStore store = ledger.store();

    @Test
    void withABlockIntervalABlockStampedSoonerAfterItsParentIsRefused() {
        ChainService node = ledger.withInterval(new MutableClock(NOW + Duration.ofDays(1).toMillis()));
        Block spaced = ChainFixture.mine(node.genesis(), List.of(ChainFixture.tx()), NOW);
        Block tooSoon = ChainFixture.mine(spaced, List.of(ChainFixture.tx()), NOW + 999);

        assertThatThrownBy(() -> node.adopt(List.of(spaced, tooSoon))).isInstanceOf(BlockRejectedException.class)
                .hasFieldOrPropertyWithValue("rule", "block-interval")
                .hasFieldOrPropertyWithValue("blockIndex", 2L);
    }

    /**
     * Two branches of equal work: the one whose first block after the fork is earlier is kept, though
     * the other's tip is the earlier, so the choice stays as both grow.
     */
    @Test
    void ofTwoBranchesOfEqualWorkTheOneThatPartedEarlierIsKeptWhateverTheirTips() throws Exception {
        Block genesis = service.genesis();
        Block a1 = ChainFixture.mine(genesis, List.of(ChainFixture.tx()), NOW - 50_000);
        Block a2 = ChainFixture.mine(a1, List.of(ChainFixture.tx()), NOW - 10_000);
        Block b1 = ChainFixture.mine(genesis, List.of(ChainFixture.tx()), NOW - 40_000);
        Block b2 = ChainFixture.mine(b1, List.of(ChainFixture.tx()), NOW - 30_000);
        service.adopt(List.of(a1, a2));

        assertThat(service.adopt(List.of(b1, b2))).as("its tip is earlier, its first block later")
                .isEqualTo(ChainService.Adoption.NOT_BETTER);
        assertThat(service.tip().hash()).isEqualTo(a2.hash());

        ChainService other = new ChainService(service.parameters(), clock, event -> { }, new InMemoryLedgerStore());
        other.adopt(List.of(b1, b2));
        assertThat(other.adopt(List.of(a1, a2))).isEqualTo(ChainService.Adoption.ADOPTED);
    }

    @Test
    void minedBlockConfirmsItsTransactions() throws Exception {
        List<Transaction> transactions = ledger.submitAll(5);
        Block block = ledger.mineDue();

        assertThat(service.tip().hash()).isEqualTo(block.hash());
        assertThat(pending(service)).isEmpty();
        TransactionStatus status = service.status(transactions.get(2).id()).orElseThrow();
        assertThat(status.confirmed()).isTrue();
        assertThat(status.blockIndex()).isEqualTo(1);
        assertThat(status.blockHash()).isEqualTo(block.hash());
        assertThat(status.confirmations()).isEqualTo(1);
        assertThat(events).last().isInstanceOf(ChainAdvanced.class);
        assertThat(service.submit(transactions.get(2), null).created()).isFalse();
    }

    @Test
    void workOnAMovedTipIsStale() throws Exception {
        ledger.submitAll(10);
        MiningTemplate first = service.dueTemplate().orElseThrow();
        ledger.mineDue();
        Block late = ChainFixture.mine(first.index(), first.previousHash(), service.template().transactions(),
                first.timestamp(), first.difficulty());
        assertThatThrownBy(() -> service.appendMined(late)).isInstanceOf(StaleWorkException.class);
        assertThat(service.version()).isNotEqualTo(first.ledgerVersion());
    }

    @Test
    void externalProofIsAcceptedForExactlyTheTemplate() throws Exception {
        List<Transaction> transactions = ledger.submitAll(2);
        MiningTemplate template = service.template();
        Block mined = ChainFixture.mine(template.index(), template.previousHash(), template.transactions(),
                template.timestamp(), template.difficulty());

        Block block = service.submitProof(new ProofSubmission(template.index(), template.previousHash(),
                template.timestamp(), transactions.stream().map(Transaction::id).toList(), mined.proof()));

        assertThat(block.hash()).isEqualTo(mined.hash());
        assertThat(service.tip().height()).isEqualTo(1);
    }

    @Test
    void externalProofThatMissesTheDifficultyIsRejected() {
        List<Transaction> transactions = ledger.submitAll(1);
        MiningTemplate template = service.template();
        Block unworked = ChainFixture.withoutWork(service.genesis(), template.transactions(), template.timestamp());

        BlockRejectedException e = catchThrowableOfType(BlockRejectedException.class, () -> service.submitProof(
                new ProofSubmission(1, template.previousHash(), template.timestamp(), List.of(transactions.get(0).id()),
                        unworked.proof())));
        assertThat(e.rule()).isEqualTo("proof-of-work");
        assertThat(service.tip().height()).isZero();
    }

    @Test
    void externalProofForATransactionNoLongerPendingIsStale() {
        assertThatThrownBy(() -> service.submitProof(new ProofSubmission(1, service.genesis().hash(), NOW,
                List.of(ChainFixture.tx().id()), 0))).isInstanceOf(StaleWorkException.class);
    }

    @Test
    void betterChainIsAdoptedAndOrphanedTransactionsReturnToThePool() throws Exception {
        List<Transaction> ours = ledger.submitAll(5);
        ledger.mineDue();
        // A competing chain from genesis, two blocks long, holding one of our transactions and two others.
        Transaction shared = ours.get(0);
        Block b1 = ChainFixture.mine(service.genesis(), List.of(shared, ChainFixture.tx()), NOW);
        Block b2 = ChainFixture.mine(b1, List.of(ChainFixture.tx()), NOW + 1);

        assertThat(service.adopt(List.of(b1, b2))).isEqualTo(ChainService.Adoption.ADOPTED);

        assertThat(service.tip().hash()).isEqualTo(b2.hash());
        assertThat(pending(service)).containsExactlyElementsOf(ours.subList(1, 5));
        List<String> everything = Stream.concat(ledger.chainTransactionIds().stream(),
                pending(service).stream().map(Transaction::id)).toList();
        assertThat(everything).doesNotHaveDuplicates()
                .containsAll(ours.stream().map(Transaction::id).toList());
        ChainAdvanced event = (ChainAdvanced) events.get(events.size() - 1);
        assertThat(event.cause()).isEqualTo(ChainAdvanced.Cause.ADOPTED);
        assertThat(event.removed()).hasSize(1);
        assertThat(event.added()).containsExactly(b1, b2);
    }

    @Test
    void aChainBackDatedToTheEpochIsRefusedByTheMedianTimePast() {
        Block genesis = service.genesis();
        Block atEpoch = ChainFixture.mine(genesis, List.of(ChainFixture.tx()), genesis.timestamp());
        Block next = ChainFixture.mine(atEpoch, List.of(ChainFixture.tx()), genesis.timestamp() + 1);

        assertThatThrownBy(() -> service.adopt(List.of(atEpoch, next)))
                .isInstanceOf(BlockRejectedException.class)
                .hasFieldOrPropertyWithValue("rule", "timestamp-after-median-time-past");
        assertThat(service.tip().height()).isZero();
    }

    @Test
    void aPeersChainIsCheckedAgainstTheMedianOfItsOwnLastBlocks() throws Exception {
        // A block stamped like the last six is refused although it is not before its parent.
        List<Block> chain = ledger.chainWhoseLastSixBlocksShareATimestamp();
        Block tip = chain.get(chain.size() - 1);
        assertThat(service.adopt(chain)).isEqualTo(ChainService.Adoption.ADOPTED);
        Block sameAgain = ChainFixture.mine(tip, List.of(ChainFixture.tx()), tip.timestamp());

        assertThatThrownBy(() -> service.adopt(List.of(sameAgain)))
                .isInstanceOf(BlockRejectedException.class)
                .hasFieldOrPropertyWithValue("rule", "timestamp-after-median-time-past");
    }

    @Test
    void aSignedTransactionIsMinedIntoABlockThatCommitsToItsSignature() throws Exception {
        Transaction signed = ChainFixture.signed(service.genesis().hash(), "gzan3055", "signed", NOW - 60_000);
        service.submit(signed, null);
        clock.advance(service.parameters().maxWait());

        Block block = ledger.mineDue();

        assertThat(block.transactions()).containsExactly(signed);
        assertThat(service.status(signed.id())).hasValueSatisfying(status -> assertThat(status.confirmed()).isTrue());
        Transaction otherSignature = new Transaction(signed.id(), signed.sender(), signed.content(), signed.timestamp(),
                signed.publicKey(), ChainFixture.signed(service.genesis().hash(), "gzan3055", "x", NOW).signature());
        assertThat(new Block(block.index(), block.timestamp(), block.previousHash(), block.difficulty(), block.proof(),
                List.of(otherSignature), block.hash()).computeHash()).as("a swapped signature changes the hash")
                .isNotEqualTo(block.hash());
    }

    @Test
    void aLongSignedSuffixIsVerifiedInParallelAndAForgeryAmongItNamesItsBlock() throws Exception {
        List<Block> honest = new ArrayList<>();
        List<Block> forgedAtFour = new ArrayList<>();
        Block tip = service.genesis();
        Block forgedTip = service.genesis();
        for (int i = 0; i < 8; i++) {
            List<Transaction> signed = new ArrayList<>();
            for (int t = 0; t < 5; t++) {
                signed.add(ChainFixture.signed(service.genesis().hash(), "gzan3055", "block " + i + " tx " + t,
                        NOW - 60_000 + i * 10 + t));
            }
            tip = ChainFixture.mine(tip, signed, NOW - 50_000 + i);
            honest.add(tip);
            if (i == 4) {
                Transaction original = signed.get(2);
                signed.set(2, new Transaction(original.id(), original.sender(), original.content(), original.timestamp(),
                        original.publicKey(), signed.get(1).signature()));
            }
            forgedTip = ChainFixture.mine(forgedTip, signed, NOW - 50_000 + i);
            forgedAtFour.add(forgedTip);
        }
        assertThat(honest.stream().mapToInt(block -> block.transactions().size()).sum())
                .isGreaterThanOrEqualTo(ChainSwitch.PARALLEL_VERIFICATION);

        assertThatThrownBy(() -> service.adopt(forgedAtFour)).isInstanceOf(BlockRejectedException.class)
                .hasFieldOrPropertyWithValue("rule", "valid-signatures")
                .hasFieldOrPropertyWithValue("blockIndex", 5L);
        assertThat(service.adopt(honest)).isEqualTo(ChainService.Adoption.ADOPTED);
        assertThat(service.tip().hash()).isEqualTo(tip.hash());
    }

    @Test
    void aPeersBlockWithAForgedSignatureIsRefused() {
        Transaction signed = ChainFixture.signed(service.genesis().hash(), "gzan3055", "signed", NOW - 60_000);
        Transaction forged = new Transaction(signed.id(), signed.sender(), signed.content(), signed.timestamp(),
                signed.publicKey(), ChainFixture.signed(service.genesis().hash(), "gzan3055", "x", NOW).signature());
        Block block = ChainFixture.mine(service.genesis(), List.of(forged), NOW - 1_000);

        assertThatThrownBy(() -> service.adopt(List.of(block)))
                .isInstanceOf(BlockRejectedException.class)
                .hasFieldOrPropertyWithValue("rule", "valid-signatures");
        assertThat(service.tip().height()).isZero();
    }

    @Test
    void aPeersBlockCopyingAPendingTransactionWithForgedSignatureBytesIsRefused() {
        Transaction pending = ChainFixture.signed(service.genesis().hash(), "gzan3055", "signed", NOW - 60_000);
        service.submit(pending, null);
        byte[] random = new byte[64];
        new Random(7).nextBytes(random);
        Transaction copy = new Transaction(pending.id(), pending.sender(), pending.content(), pending.timestamp(),
                pending.publicKey(), Signatures.encode(random));
        Block block = ChainFixture.mine(service.genesis(), List.of(copy), NOW - 1_000);

        assertThatThrownBy(() -> service.adopt(List.of(block)))
                .isInstanceOf(BlockRejectedException.class)
                .hasFieldOrPropertyWithValue("rule", "valid-signatures");
        assertThat(service.tip().height()).isZero();
        assertThat(service.status(pending.id())).hasValueSatisfying(status -> {
            assertThat(status.confirmed()).isFalse();
            assertThat(status.transaction()).isEqualTo(pending);
        });
    }

    @Test
    void twoKeysRacingForANameTheFirstConfirmedHasItAndTheOthersLeaveThePool() throws Exception {
        Transaction mine = ChainFixture.signed(service.genesis().hash(), "gzan3055", "mine", NOW - 60_000);
        Transaction theirs = ChainFixture.signed(OTHER_KEY, service.genesis().hash(), "gzan3055", "theirs", NOW - 59_000);
        service.submit(mine, null);
        service.submit(theirs, null);
        clock.advance(service.parameters().maxWait());

        Block block = ledger.mineDue();

        assertThat(block.transactions()).as("one key per name in a block").containsExactly(mine);
        assertThat(service.binding("gzan3055")).map(SenderBinding::publicKey).contains(mine.publicKey());
        assertThat(pending(service)).as("the other key's transaction can never be mined").isEmpty();
    }

    @Test
    void aReorganisationThatAbandonsTheBindingBlockUndoesTheBinding() throws Exception {
        Transaction binding = ChainFixture.signed(service.genesis().hash(), "gzan3055", "binds", NOW - 60_000);
        Block ours = ChainFixture.mine(service.genesis(), List.of(binding), NOW - 50_000);
        service.adopt(List.of(ours));
        assertThat(service.binding("gzan3055")).isPresent();

        Transaction theirs = ChainFixture.signed(OTHER_KEY, service.genesis().hash(), "gzan3055", "theirs", NOW - 40_000);
        Block b1 = ChainFixture.mine(service.genesis(), List.of(theirs), NOW - 30_000);
        Block b2 = ChainFixture.mine(b1, List.of(Transaction.of("alice", "another name", NOW - 20_000)), NOW - 20_000);
        assertThat(service.adopt(List.of(b1, b2))).isEqualTo(ChainService.Adoption.ADOPTED);

        assertThat(service.binding("gzan3055")).as("bound by the new chain's block")
                .contains(new SenderBinding(theirs.publicKey(), 1));
        assertThat(pending(service)).as("the abandoned binding transaction cannot be mined on this chain")
                .doesNotContain(binding);
    }

    @Test
    void chainWithLessWorkIsNotAdopted() throws Exception {
        ledger.submitAll(10);
        ledger.mineDue();
        Block tip = ledger.mineDue();
        Block competitor = ChainFixture.mine(service.genesis(), List.of(ChainFixture.tx()), NOW);

        assertThat(service.adopt(List.of(competitor))).isEqualTo(ChainService.Adoption.NOT_BETTER);
        assertThat(service.tip().hash()).isEqualTo(tip.hash());
    }

    @Test
    void equalWorkTheEarlierTipIsAdopted() throws Exception {
        ledger.submitAll(5);
        Block ours = ledger.mineDue();
        Block later = ChainFixture.mine(service.genesis(), List.of(ChainFixture.tx()), ours.timestamp() + 1);
        Block earlier = ChainFixture.mine(service.genesis(), List.of(ChainFixture.tx()), ours.timestamp() - 1);

        assertThat(service.adopt(List.of(later))).isEqualTo(ChainService.Adoption.NOT_BETTER);
        assertThat(service.adopt(List.of(earlier))).isEqualTo(ChainService.Adoption.ADOPTED);
        assertThat(service.tip().hash()).isEqualTo(earlier.hash());
    }

    @Test
    void longerChainWithAnInvalidBlockIsRefusedAndNothingChanges() throws Exception {
        List<Transaction> ours = ledger.submitAll(5);
        Block tip = ledger.mineDue();
        Block b1 = ChainFixture.mine(service.genesis(), List.of(ChainFixture.tx()), NOW);
        Block bad = ChainFixture.withoutWork(b1, List.of(ChainFixture.tx()), NOW + 1);
        Block b3 = ChainFixture.mine(bad, List.of(ChainFixture.tx()), NOW + 2);

        BlockRejectedException e = catchThrowableOfType(BlockRejectedException.class,
                () -> service.adopt(List.of(b1, bad, b3)));

        assertThat(e.rule()).isEqualTo("proof-of-work");
        assertThat(e.blockIndex()).isEqualTo(2);
        assertThat(service.tip().hash()).isEqualTo(tip.hash());
        assertThat(ledger.chainTransactionIds()).containsExactlyElementsOf(ours.stream().map(Transaction::id).toList());
    }

    @Test
    void chainRepeatingATransactionBelowTheForkIsRefused() throws Exception {
        List<Transaction> ours = ledger.submitAll(5);
        Block tip = ledger.mineDue();
        Block b2 = ChainFixture.mine(tip, List.of(ours.get(0)), NOW + 1);

        BlockRejectedException e = catchThrowableOfType(BlockRejectedException.class, () -> service.adopt(List.of(b2)));
        assertThat(e.rule()).isEqualTo("unique-transactions");
    }

    @Test
    void blocksThatDoNotAttachAreNotConnected() throws Exception {
        Block stranger = ChainFixture.mine(5, "1".repeat(64), List.of(ChainFixture.tx()), NOW, ChainFixture.DIFFICULTY);
        assertThat(service.adopt(List.of(stranger))).isEqualTo(ChainService.Adoption.NOT_CONNECTED);
    }

    @Test
    void blockTheStoreCannotKeepIsNotAppended() {
        List<Transaction> transactions = ledger.submitAll(5);
        store.failWrites(true);

        assertThatThrownBy(ledger::mineDue).isInstanceOf(StorageException.class);
        assertThat(service.tip().height()).isZero();
        assertThat(pending(service)).isEqualTo(transactions);
    }

    @Test
    void chainTheStoreCannotKeepIsNotAdopted() {
        store.failWrites(true);
        assertThatThrownBy(() -> service.adopt(ChainFixture.extend(service.genesis(), 2)))
                .isInstanceOf(StorageException.class);
        assertThat(service.tip().height()).isZero();
    }

    @Test
    void reorganisationBelowTheBlocksKeptInMemoryReadsThemFromTheStore() throws Exception {
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Block> ours = ChainFixture.extend(genesis, Chain.RECENT_DEPTH + 200);
        MutableClock later = new MutableClock(NOW + Duration.ofDays(1).toMillis());
        InMemoryLedgerStore stored = InMemoryLedgerStore.holding(ours, List.of());
        ChainService node = new ChainService(service.parameters(), later, events::add, stored);
        List<Block> branch = ChainFixture.extend(ours.get(99), Chain.RECENT_DEPTH + 150);

        assertThat(node.adopt(branch)).isEqualTo(ChainService.Adoption.ADOPTED);

        assertThat(node.tip().hash()).isEqualTo(branch.get(branch.size() - 1).hash());
        assertThat(node.hashAt(100)).contains(ours.get(99).hash());
        assertThat(node.hashAt(101)).contains(branch.get(0).hash());
        List<Transaction> abandoned = ours.subList(100, ours.size()).stream()
                .flatMap(block -> block.transactions().stream()).toList();
        assertThat(stored.returned()).singleElement().satisfies(returned -> assertThat(returned)
                .extracting(PendingTransaction::transaction).containsExactlyElementsOf(abandoned));
        assertThat(node.pending(0, 1000).transactions()).isEqualTo(abandoned.subList(0, 1000));
        assertThat(node.pending(0, 1).total()).isEqualTo(abandoned.size());
    }

    @Test
    void forkDeeperThanAReorganisationReachesIsNotFollowed() throws Exception {
        int depth = 50;
        Block genesis = Genesis.block(ChainFixture.DIFFICULTY);
        List<Block> ours = ChainFixture.extend(genesis, depth + 1);
        MutableClock later = new MutableClock(NOW + Duration.ofDays(1).toMillis());
        ChainService node = new ChainService(service.parameters().withMaxReorgDepth(depth), later, events::add,
                InMemoryLedgerStore.holding(ours, List.of()));
        List<Block> branch = ChainFixture.extend(genesis, depth + 5);

        assertThat(node.adopt(branch)).isEqualTo(ChainService.Adoption.TOO_DEEP);
        assertThat(node.tip().hash()).isEqualTo(ours.get(ours.size() - 1).hash());
        List<Block> fromBlockOne = ChainFixture.extend(ours.get(0), depth + 5);
        assertThat(node.adopt(fromBlockOne)).as("a fork from block 1: exactly as deep as allowed")
                .isEqualTo(ChainService.Adoption.ADOPTED);
    }

    @Test
    void blockClaimingAbsurdWorkIsRefusedByRuleWithoutComputingIt() {
        Block honest = ChainFixture.mine(service.genesis(), List.of(ChainFixture.tx()), NOW);
        Block absurd = new Block(honest.index(), honest.timestamp(), honest.previousHash(), Integer.MAX_VALUE,
                honest.proof(), honest.transactions(), honest.hash());

        BlockRejectedException e = catchThrowableOfType(BlockRejectedException.class,
                () -> service.adopt(List.of(absurd)));
        assertThat(e.rule()).isEqualTo("network-difficulty");
        assertThat(service.tip().height()).isZero();
    }
}
