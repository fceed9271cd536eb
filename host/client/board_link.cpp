#include "host/client/board_link.hpp"

#include <algorithm>
#include <utility>

namespace softbms::host::client {

BoardLink::BoardLink(Opener open, std::optional<Protocol> protocol, ClientOptions options,
                     Backoff backoff)
    : open_(std::move(open)), protocol_(protocol), options_(options), backoff_(backoff) {}

BoardLink::~BoardLink() {
  close();
}

// The client and the link refer to the transport: they go first.
void BoardLink::close() {
  client_.reset();
  link_.reset();
  if (transport_) transport_->close();
  transport_.reset();
}

void BoardLink::back_off(Milliseconds now) {
  delay_ = delay_.count() == 0 ? backoff_.first : std::min(delay_ * 2, backoff_.most);
  next_try_ = now + delay_;
}

Expected<JkClient*> BoardLink::client(Milliseconds now) {
  if (client_ && (delay_.count() == 0 || now >= next_try_)) return client_.get();
  if (client_) {
    return make_error(Errc::bad_state, std::string(kWaiting), "waiting before the next try");
  }
  if (tried_ && now < next_try_) {
    return make_error(Errc::bad_state, std::string(kWaiting), "waiting before the next try");
  }
  tried_ = true;
  auto t = open_();
  if (!t) {
    back_off(now);
    return t.error();
  }
  transport_ = std::move(t).value();
  link_ = std::make_unique<Link>(*transport_, options_.timing);
  if (protocol_) {
    client_ = make_client(*protocol_, *link_, options_);
    return client_.get();
  }
  auto found = detect(*link_, options_);
  if (!found) {
    close();
    back_off(now);
    return found.error();
  }
  client_ = std::move(found).value();
  protocol_ = client_->protocol();
  return client_.get();
}

bool BoardLink::is_waiting(const Error& e) {
  return e.part == kWaiting;
}

void BoardLink::failed(Milliseconds now) {
  // A transport that reconnects by itself (BLE) is kept: closing it would race its own
  // reconnect with a second one. The next read goes through it once the backoff has passed.
  if (!transport_ || !transport_->heals_itself()) close();
  back_off(now);
}

}  // namespace softbms::host::client
