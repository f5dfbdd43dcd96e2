package roomgate.gateway.session;

import io.netty.channel.Channel;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;

/**
 * A token bucket per session: {@code ratePerSecond} requests a second on average, bursts up to
 * {@code burst}. A flood is refused at the gateway, before it reaches any node or room.
 */
public final class RateLimiter {
    private static final AttributeKey<RateLimiter> KEY = AttributeKey.valueOf("roomgate.rateLimiter");

    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    public RateLimiter(int ratePerSecond, int burst, long nowNanos) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /**
     * The connection's one bucket, made on first use: messages, WebSocket pings and fragments all
     * draw from it, so whatever a client sends, it costs the gateway at most this rate. Event loop only.
     */
    public static RateLimiter of(Channel channel, int ratePerSecond, int burst) {
        Attribute<RateLimiter> attribute = channel.attr(KEY);
        RateLimiter limiter = attribute.get();
        if (limiter == null) {
            limiter = new RateLimiter(ratePerSecond, burst, System.nanoTime());
            attribute.set(limiter);
        }
        return limiter;
    }

    public boolean tryAcquire(long nowNanos) {
        return tryAcquire(nowNanos, 1);
    }

    /**
     * Takes {@code permits} at once (a request that costs several messages), or none; more than the
     * burst costs the burst, or the request could never pass.
     */
    public boolean tryAcquire(long nowNanos, int permits) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * ratePerNano);
        lastNanos = nowNanos;
        double cost = Math.min(permits, burst);
        if (tokens >= cost) {
            tokens -= cost;
            return true;
        }
        return false;
    }
}
