package roomgate.node.registry;

import java.util.Set;
import roomgate.protocol.v1.RoomEvent;

/**
 * What {@link RoomHost} commits: an applied event, who hears of it, and what it answers. Read at the
 * call site as a sentence ({@code Commit.of(event).to(links()).answering(request)}) instead of seven
 * positional arguments, three of them booleans or nulls that were easy to swap. Immutable: each
 * step returns a new one.
 *
 * @param targets the links the event is broadcast to once stored
 * @param cause the request behind the event, or null (ticks, a seat given up after the grace period)
 * @param answersCause whether the broadcast answers {@code cause} (it names the request_id to its sender)
 * @param before runs just before the broadcast, or null
 * @param logged whether the event goes to the store's log (and is caught up on); unlogged ones (ticks,
 *     snapshot rooms' game events) need no store but still wait for the events before them
 */
record Commit(
        RoomEvent.Builder event,
        Set<GatewayLink> targets,
        RoomHost.Request cause,
        boolean answersCause,
        Runnable before,
        boolean logged) {

    /** The event, to nobody yet, caused by no request, logged. */
    static Commit of(RoomEvent.Builder event) {
        return new Commit(event, Set.of(), null, false, null, true);
    }

    Commit to(Set<GatewayLink> links) {
        return new Commit(event, links, cause, answersCause, before, logged);
    }

    /** Caused by {@code request}, which is answered some other way (a Joined, a Left). */
    Commit causedBy(RoomHost.Request request) {
        return new Commit(event, targets, request, false, before, logged);
    }

    /** Caused by {@code request}, and its broadcast is the answer. */
    Commit answering(RoomHost.Request request) {
        return new Commit(event, targets, request, true, before, logged);
    }

    Commit before(Runnable action) {
        return new Commit(event, targets, cause, answersCause, action, logged);
    }

    Commit logged(boolean toTheLog) {
        return new Commit(event, targets, cause, answersCause, before, toTheLog);
    }
}
