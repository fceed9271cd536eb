#include "core/store/store.hpp"

#include <array>

#include "core/store/bytes.hpp"
#include "core/store/crc32.hpp"

namespace softbms::core {
namespace {

constexpr std::size_t kCrcOffset = 28;
constexpr std::size_t kChunk = 64;  // bytes read at a time while checking a CRC: small stack

struct Header {
  uint32_t magic = 0;
  uint8_t id = 0;
  uint8_t format = 0;
  uint16_t header_size = 0;
  uint32_t sequence = 0;
  uint32_t length = 0;
  uint32_t crc = 0;
};

std::array<uint8_t, kHeaderSize> encode(const Header& h) {
  std::array<uint8_t, kHeaderSize> b{};
  ByteWriter w(b);
  w.u32(h.magic);
  w.u8(h.id);
  w.u8(h.format);
  w.u16(h.header_size);
  w.u32(h.sequence);
  w.u32(h.length);
  ByteWriter crc_at(std::span<uint8_t>(b).subspan(kCrcOffset));
  crc_at.u32(h.crc);
  return b;
}

Header decode(std::span<const uint8_t, kHeaderSize> b) {
  ByteReader r(b);
  Header h;
  h.magic = r.u32();
  h.id = r.u8();
  h.format = r.u8();
  h.header_size = r.u16();
  h.sequence = r.u32();
  h.length = r.u32();
  ByteReader crc_at(b.subspan(kCrcOffset));
  h.crc = crc_at.u32();
  return h;
}

uint32_t header_crc_state(std::span<const uint8_t, kHeaderSize> b) {
  return crc32_update(kCrc32Init, b.first(kCrcOffset));
}

// Sequence numbers compare as serial numbers so that a wrap after 2^32 saves still orders.
bool newer(uint32_t a, uint32_t b) {
  return static_cast<int32_t>(a - b) > 0;
}

bool header_plausible(const Header& h, RecordId id) {
  return h.magic == kStoreMagic && h.id == static_cast<uint8_t>(id) && h.format == kStoreFormat &&
         h.header_size == kHeaderSize && h.length <= kMaxPayload;
}

bool all_erased(std::span<const uint8_t> b) {
  for (uint8_t v : b) {
    if (v != kErasedByte) return false;
  }
  return true;
}

// Reads a slot's header and checks its CRC over the payload chunk by chunk.
Result<Header> read_good_header(Medium& m, RecordId id, std::size_t slot) {
  const std::size_t base = slot_offset(id, slot);
  std::array<uint8_t, kHeaderSize> raw{};
  if (Status s = m.read(base, raw); !s.ok()) return s;
  const Header h = decode(raw);
  if (!header_plausible(h, id)) return Status(all_erased(raw) ? Errc::not_found : Errc::corrupt);
  uint32_t crc = header_crc_state(raw);
  std::array<uint8_t, kChunk> chunk{};
  for (std::size_t done = 0; done < h.length;) {
    const std::size_t n = h.length - done < kChunk ? h.length - done : kChunk;
    const std::span<uint8_t> part(chunk.data(), n);
    if (Status s = m.read(base + kHeaderSize + done, part); !s.ok()) return s;
    crc = crc32_update(crc, part);
    done += n;
  }
  if (crc32_final(crc) != h.crc) return Status(Errc::corrupt);
  return h;
}

std::size_t round_up(std::size_t n, std::size_t unit) {
  return (n + unit - 1) / unit * unit;
}

}  // namespace

Status Store::usable(RecordId id) const {
  if (static_cast<std::size_t>(id) >= kRecordCount) return Errc::unknown_field;
  const std::size_t unit = medium_.erase_unit();
  if (medium_.size() < kStoreSize) return Errc::no_space;
  if (unit == 0 || kSlotSize % unit != 0) return Errc::bad_state;
  return ok_status();
}

Store::Newest Store::newest(RecordId id) {
  Newest best;
  for (std::size_t slot = 0; slot < kSlotsPerRecord; ++slot) {
    const Result<Header> h = read_good_header(medium_, id, slot);
    if (!h.ok()) {
      best.damaged = best.damaged || h.status().code() != Errc::not_found;
      continue;
    }
    if (!best.found || newer(h.value().sequence, best.sequence)) {
      best = {true, best.damaged, slot, h.value().sequence, h.value().length};
    }
  }
  return best;
}

SlotState Store::inspect(RecordId id, std::size_t slot) {
  if (!usable(id).ok() || slot >= kSlotsPerRecord) return {};
  const Result<Header> h = read_good_header(medium_, id, slot);
  if (!h.ok()) return {};
  return {true, h.value().sequence, h.value().length};
}

Status Store::save(RecordId id, std::span<const uint8_t> payload) {
  if (Status s = usable(id); !s.ok()) return s;
  if (payload.size() > kMaxPayload) return Errc::no_space;
  const Newest current = newest(id);
  // Never touch the slot with the newest good copy: it is what survives a power cut.
  const std::size_t target = current.found ? 1 - current.slot : 0;
  const std::size_t base = slot_offset(id, target);

  Header h;
  h.magic = kStoreMagic;
  h.id = static_cast<uint8_t>(id);
  h.format = kStoreFormat;
  h.header_size = kHeaderSize;
  h.sequence = current.found ? current.sequence + 1 : 1;
  h.length = static_cast<uint32_t>(payload.size());
  const std::array<uint8_t, kHeaderSize> unsigned_header = encode(h);
  h.crc = crc32_final(crc32_update(header_crc_state(unsigned_header), payload));

  if (Status s = medium_.erase(base, round_up(kHeaderSize + payload.size(), medium_.erase_unit()));
      !s.ok()) {
    return s;
  }
  // Payload first, header last: until the header is complete the slot has no magic and no
  // matching CRC, so a cut anywhere leaves it ignored.
  if (Status s = medium_.write(base + kHeaderSize, payload); !s.ok()) return s;
  if (Status s = medium_.write(base, encode(h)); !s.ok()) return s;

  const Result<Header> back = read_good_header(medium_, id, target);
  if (!back.ok() || back.value().sequence != h.sequence) return Errc::corrupt;
  return ok_status();
}

Result<std::size_t> Store::load(RecordId id, std::span<uint8_t> out) {
  if (Status s = usable(id); !s.ok()) return s;
  const Newest best = newest(id);
  // Something was written but nothing survives: say so, a fresh medium is not the same thing.
  if (!best.found) return Status(best.damaged ? Errc::corrupt : Errc::not_found);
  if (best.length > out.size()) {
    return Status(Errc::no_space, static_cast<uint16_t>(best.length));
  }
  const std::size_t base = slot_offset(id, best.slot);
  std::array<uint8_t, kHeaderSize> raw{};
  if (Status s = medium_.read(base, raw); !s.ok()) return s;
  const std::span<uint8_t> payload = out.first(best.length);
  if (Status s = medium_.read(base + kHeaderSize, payload); !s.ok()) return s;
  // Checked again on the bytes handed out, in case the medium changed since the scan.
  const uint32_t crc = crc32_final(crc32_update(header_crc_state(raw), payload));
  if (crc != decode(raw).crc) return Status(Errc::corrupt);
  return std::size_t{best.length};
}

Status Store::erase(RecordId id) {
  if (Status s = usable(id); !s.ok()) return s;
  return medium_.erase(slot_offset(id, 0), kSlotsPerRecord * kSlotSize);
}

}  // namespace softbms::core
