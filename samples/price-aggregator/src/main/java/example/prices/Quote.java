package example.prices;

import java.math.BigDecimal;
import java.time.Instant;

/** One price of one instrument from one feed. */
public record Quote(String symbol, String feed, BigDecimal price, Instant at) {}
