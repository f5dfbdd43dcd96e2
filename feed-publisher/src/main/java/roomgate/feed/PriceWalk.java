package roomgate.feed;

import java.util.Random;

/**
 * Made-up prices for one topic: a geometric random walk from 100 with 0.1 % steps, from a seed, so
 * two runs with the same seed publish the same prices. Not thread-safe; one per topic.
 */
final class PriceWalk {
    private static final double STEP = 0.001;

    private final Random random;
    private double price = 100;

    PriceWalk(long seed) {
        this.random = new Random(seed);
    }

    double next() {
        price *= Math.exp(STEP * random.nextGaussian());
        return Math.round(price * 10_000) / 10_000.0;
    }
}
