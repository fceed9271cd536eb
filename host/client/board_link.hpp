// The link to one real board that heals (`softbms monitor`): it opens the port (a serial
// device, a pty, tcp://HOST:PORT), detects the protocol unless it was given, and after a failed
// read closes the port and opens it again, waiting longer after each failure (backoff) so an
// absent board costs little. A board that comes back answers again at most the backoff's
// ceiling after it returned (plus one poll). See docs/app.md, "When the board goes away".
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "host/client/client.hpp"
#include "host/transport/transport.hpp"

namespace softbms::host::client {

struct Backoff {
  Milliseconds first{1000};  // the wait after the first failure
  Milliseconds most{10000};  // it doubles up to this
};

class BoardLink {
 public:
  static constexpr std::string_view kWaiting = "backoff";
  using Opener = std::function<Expected<std::unique_ptr<Transport>>()>;

  BoardLink(Opener open, std::optional<Protocol> protocol, ClientOptions options,
            Backoff backoff = {});
  ~BoardLink();
  BoardLink(const BoardLink&) = delete;
  BoardLink& operator=(const BoardLink&) = delete;

  // The client, opening the port and detecting the protocol first when the link is closed and
  // the backoff allows a try at `now`. While the backoff still runs, an error is_waiting()
  // says so; otherwise the open or detection error (the link stays closed until the next try).
  Expected<JkClient*> client(Milliseconds now);
  static bool is_waiting(const Error& e);
  // A read through the client failed: the port closes (unless its transport heals itself, as
  // BLE does; then it stays open); the next try waits the backoff.
  void failed(Milliseconds now);
  // A read worked: the next failure waits `first` again.
  void worked() { delay_ = Milliseconds(0); }

  [[nodiscard]] bool is_open() const { return client_ != nullptr; }
  // The protocol given or detected (detection is kept across reopenings).
  [[nodiscard]] std::optional<Protocol> protocol() const { return protocol_; }
  // When the next try may be (meaningful while closed).
  [[nodiscard]] Milliseconds next_try() const { return next_try_; }
  [[nodiscard]] Milliseconds current_delay() const { return delay_; }

 private:
  void close();
  void back_off(Milliseconds now);

  Opener open_;
  std::optional<Protocol> protocol_;
  ClientOptions options_;
  Backoff backoff_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<Link> link_;
  std::unique_ptr<JkClient> client_;
  Milliseconds next_try_{0};
  Milliseconds delay_{0};
  bool tried_ = false;
};

}  // namespace softbms::host::client
