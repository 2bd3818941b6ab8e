package io.meshchain.network;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.MutableClock;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The address book: bounded, filled by peers at a limited rate, and slow to retry what failed. */
class AddressBookTest {

    private final MutableClock clock = new MutableClock(ChainFixture.NOW);
    private final AddressPolicy policy = new AddressPolicy(List.of(), true,
            host -> new InetAddress[] {InetAddress.getByName(host)});

    private static List<URI> addresses(int from, int count) {
        return IntStream.range(from, from + count)
                .mapToObj(i -> URI.create("http://10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255) + ":8080"))
                .toList();
    }

    @Test
    void aPeerAddsAThousandAddressesAtOnceThenOneEveryTenSeconds() {
        AddressBook book = new AddressBook(clock, policy, 100_000);
        assertThat(book.learn("liar", addresses(0, 1_500))).isEqualTo(AddressBook.BURST);
        assertThat(book.learn("liar", addresses(1_500, 10))).as("its allowance spent").isZero();
        assertThat(book.learn("honest", addresses(2_000, 10))).as("another peer's allowance is its own").isEqualTo(10);

        clock.advance(Duration.ofSeconds(10));
        assertThat(book.learn("liar", addresses(3_000, 10))).isEqualTo(1);
        clock.advance(Duration.ofSeconds(9));
        assertThat(book.learn("liar", addresses(4_000, 10))).isZero();
        assertThat(book.size()).isEqualTo(AddressBook.BURST + 10 + 1);
    }

    @Test
    void addressesAlreadyKnownCostNothing() {
        AddressBook book = new AddressBook(clock, policy, 100);
        List<URI> known = addresses(0, 5);
        book.learn("a", known);
        for (int i = 0; i < 2_000; i++) {
            book.learn("b", known);
        }
        assertThat(book.learn("b", addresses(10, 1))).isEqualTo(1);
    }

    @Test
    void forbiddenAddressesAreNotTaken() {
        AddressBook book = new AddressBook(clock, policy, 100);
        assertThat(book.learn("a", List.of(URI.create("http://169.254.169.254"), URI.create("http://10.0.0.1:8080"))))
                .isEqualTo(1);
        assertThat(book.contains(URI.create("http://169.254.169.254"))).isFalse();
    }

    @Test
    void aFullBookMakesRoomWithTheOldestAddressThatNeverAnsweredAndKeepsSeeds() {
        AddressBook book = new AddressBook(clock, policy, 4);
        URI seed = URI.create("http://seed:8080");
        book.addSeed(seed);
        List<URI> learned = addresses(0, 3);
        book.learn("a", learned);
        book.answered(learned.get(0));

        clock.advance(Duration.ofSeconds(1));
        assertThat(book.learn("a", addresses(100, 1))).isEqualTo(1);
        assertThat(book.contains(seed)).isTrue();
        assertThat(book.contains(learned.get(0))).as("it answered").isTrue();
        assertThat(book.contains(learned.get(1))).as("the oldest that never answered").isFalse();
        assertThat(book.size()).isEqualTo(4);

        book.answered(learned.get(2));
        book.answered(addresses(100, 1).get(0));
        assertThat(book.learn("a", addresses(200, 1))).as("nothing to make room with").isZero();
    }

    @Test
    void seedsComeFirstAndAnAddressThatFailedWaitsLongerEachTime() {
        AddressBook book = new AddressBook(clock, policy, 100);
        URI learned = URI.create("http://10.0.0.9:8080");
        URI seed = URI.create("http://10.0.0.1:8080");
        book.learn("a", List.of(learned));
        book.addSeed(seed);
        assertThat(book.candidates(Set.of(), 5)).containsExactly(seed, learned);
        assertThat(book.candidates(Set.of(seed), 5)).containsExactly(learned);

        book.failed(learned);
        assertThat(book.candidates(Set.of(), 5)).containsExactly(seed);
        clock.advance(Duration.ofMillis(AddressBook.BACKOFF_MILLIS));
        assertThat(book.candidates(Set.of(), 5)).containsExactly(seed, learned);
        book.failed(learned);
        clock.advance(Duration.ofMillis(AddressBook.BACKOFF_MILLIS));
        assertThat(book.candidates(Set.of(), 5)).as("twice as long after a second failure").containsExactly(seed);
        clock.advance(Duration.ofMillis(AddressBook.BACKOFF_MILLIS));
        assertThat(book.candidates(Set.of(), 5)).containsExactly(seed, learned);
    }
}
