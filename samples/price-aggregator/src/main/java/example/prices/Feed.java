package example.prices;

import java.util.List;

/** A source of quotes (an exchange, a broker). Implementations block on the network. */
public interface Feed {
  String name();

  List<Quote> poll(List<String> symbols);
}
