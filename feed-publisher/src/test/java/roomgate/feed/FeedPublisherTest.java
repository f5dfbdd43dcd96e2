package roomgate.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.FeedUpdate;

class FeedPublisherTest {
    @Test
    void eachTopicIsNumberedFromOneAndStampedWithThePublishTime() throws InvalidProtocolBufferException {
        List<String> topics = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        FeedPublisher publisher = new FeedPublisher(
                (topic, bytes) -> {
                    topics.add(topic);
                    sent.add(bytes);
                },
                () -> 1234);
        publisher.publish("stock.A", 10.5);
        publisher.publish("stock.B", 20);
        publisher.publish("stock.A", 11);
        assertThat(topics).containsExactly("stock.A", "stock.B", "stock.A");
        List<FeedUpdate> updates = new ArrayList<>();
        for (byte[] bytes : sent) {
            updates.add(FeedUpdate.parseFrom(bytes));
        }
        assertThat(updates)
                .extracting(FeedUpdate::getTopic, FeedUpdate::getSequence, FeedUpdate::getValue)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("stock.A", 1L, 10.5),
                        org.assertj.core.groups.Tuple.tuple("stock.B", 1L, 20.0),
                        org.assertj.core.groups.Tuple.tuple("stock.A", 2L, 11.0));
        assertThat(updates).extracting(FeedUpdate::getPublisherTimeMs).containsOnly(1234L);
        assertThat(publisher.published()).isEqualTo(3);
    }

    @Test
    void theSameSeedWalksTheSamePricesAndStepsAreSmall() {
        PriceWalk a = new PriceWalk(7);
        PriceWalk b = new PriceWalk(7);
        double previous = 100;
        for (int i = 0; i < 1000; i++) {
            double price = a.next();
            assertThat(price).isEqualTo(b.next());
            assertThat(Math.abs(price / previous - 1)).isLessThan(0.01);
            previous = price;
        }
        assertThat(new PriceWalk(8).next()).isNotEqualTo(new PriceWalk(7).next());
    }

    @Test
    void csvRowsAreReadWithAHeaderEpochMillisOrIsoTimestamps() {
        List<CsvReplay.Row> rows = CsvReplay.parse(
                List.of(
                        "timestamp,symbol,price",
                        "1714656600000,AAPL,170.25",
                        "",
                        "# comment",
                        "2024-05-02T13:30:00.500Z,MSFT,400.5",
                        "1714656601000, AAPL ,170.30"),
                "t.csv");
        assertThat(rows)
                .containsExactly(
                        new CsvReplay.Row(0, "stock.AAPL", 170.25),
                        new CsvReplay.Row(500, "stock.MSFT", 400.5),
                        new CsvReplay.Row(1000, "stock.AAPL", 170.30));
    }

    @Test
    void badCsvLinesAreRefusedNamingTheLine() {
        assertThatThrownBy(() -> CsvReplay.parse(List.of("1,AAPL,1", "x,AAPL,2"), "t.csv"))
                .hasMessageStartingWith("t.csv:2:");
        assertThatThrownBy(() -> CsvReplay.parse(List.of("1,AAPL"), "t.csv")).hasMessageContaining("2 fields");
        assertThatThrownBy(() -> CsvReplay.parse(List.of("1,AA PL,1"), "t.csv")).hasMessageContaining("character ' '");
        assertThatThrownBy(() -> CsvReplay.parse(List.of("5,A,1", "4,A,1"), "t.csv"))
                .hasMessageContaining("back in time");
    }

    @Test
    void flagsNameTopicsOrSymbolsAndRefuseBadValues() {
        FeedConfig symbols =
                FeedConfig.fromArgs(new String[] {"--symbols", "3", "--rate", "20", "--count", "50"}, Map.of());
        assertThat(symbols.topics()).containsExactly("stock.SYM1", "stock.SYM2", "stock.SYM3");
        assertThat(symbols.ratePerTopic()).isEqualTo(20);
        assertThat(symbols.count()).isEqualTo(50);
        FeedConfig named =
                FeedConfig.fromArgs(new String[] {"--topics", "fx.EURUSD, stock.AAPL", "--duration", "2.5"}, Map.of());
        assertThat(named.topics()).containsExactly("fx.EURUSD", "stock.AAPL");
        assertThat(named.duration().toMillis()).isEqualTo(2500);
        assertThatThrownBy(() -> FeedConfig.fromArgs(new String[] {"--topics", "bad topic"}, Map.of()))
                .hasMessageContaining("--topics: topic 'bad topic'");
        assertThatThrownBy(() -> FeedConfig.fromArgs(new String[] {"--rate", "0"}, Map.of()))
                .hasMessageContaining("--rate: 0.0");
    }
}
