package roomgate.gateway.session;

/**
 * A token bucket per session: {@code ratePerSecond} requests a second on average, bursts up to
 * {@code burst}. A flood is refused at the gateway, before it reaches any node or room.
 */
public final class RateLimiter {
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

    public boolean tryAcquire(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * ratePerNano);
        lastNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
