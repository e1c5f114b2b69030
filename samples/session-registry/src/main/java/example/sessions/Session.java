package example.sessions;

import java.time.Instant;

/** One connected client of the chat service. */
public record Session(String id, String user, String room, Instant lastSeen) {
  Session touch(Instant now) {
    return new Session(id, user, room, now);
  }
}
