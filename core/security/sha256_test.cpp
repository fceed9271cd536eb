#include "core/security/sha256.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/security/constant_time.hpp"
#include "core/security/hmac.hpp"

namespace softbms::core {
namespace {

std::string hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 0x0F];
  }
  return s;
}

std::vector<uint8_t> repeated(uint8_t byte, std::size_t n) {
  return std::vector<uint8_t>(n, byte);
}

// FIPS 180-2 appendix B and the NIST example values.
TEST(Sha256, fips_vector_abc) {
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, fips_vector_empty_message) {
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, fips_vector_448_bit_message) {
  EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, fips_vector_one_million_a_fed_in_uneven_chunks) {
  Sha256 h;
  const std::vector<uint8_t> chunk = repeated('a', 999);
  std::size_t left = 1'000'000;
  while (left > 0) {
    const std::size_t n = left < chunk.size() ? left : chunk.size();
    h.update(std::span(chunk).first(n));
    left -= n;
  }
  EXPECT_EQ(hex(h.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, message_of_exactly_55_and_56_bytes_pads_across_the_block_edge) {
  // 55 bytes fit the length in one block; 56 bytes need a second block.
  EXPECT_EQ(hex(sha256(repeated('a', 55))),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(hex(sha256(repeated('a', 56))),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
}

TEST(Sha256, finish_resets_so_the_object_hashes_the_next_message) {
  Sha256 h;
  h.update("garbage");
  (void)h.finish();
  h.update("abc");
  EXPECT_EQ(hex(h.finish()), hex(sha256("abc")));
}

// RFC 4231 test cases 1 and 2.
TEST(HmacSha256, rfc4231_case_1) {
  const std::vector<uint8_t> key = repeated(0x0b, 20);
  EXPECT_EQ(hex(HmacSha256(key).mac(as_bytes("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, rfc4231_case_2) {
  EXPECT_EQ(hex(HmacSha256(as_bytes("Jefe")).mac(as_bytes("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, rfc4231_case_6_key_longer_than_a_block_is_hashed_first) {
  const std::vector<uint8_t> key = repeated(0xaa, 131);
  EXPECT_EQ(
      hex(HmacSha256(key).mac(as_bytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

// RFC 7914 section 11: PBKDF2-HMAC-SHA256 vectors.
TEST(Pbkdf2Sha256, rfc7914_one_iteration_64_bytes) {
  std::array<uint8_t, 64> out{};
  pbkdf2_sha256(as_bytes("passwd"), as_bytes("salt"), 1, out);
  EXPECT_EQ(hex(out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
}

// The widely published PBKDF2-HMAC-SHA256 vectors for "password" / "salt", 32 bytes.
TEST(Pbkdf2Sha256, password_salt_vectors_for_1_2_and_4096_iterations) {
  const std::array<std::pair<uint32_t, std::string_view>, 3> cases = {{
      {1, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"},
      {2, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"},
      {4096, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"},
  }};
  for (const auto& [iterations, expected] : cases) {
    std::array<uint8_t, 32> out{};
    pbkdf2_sha256(as_bytes("password"), as_bytes("salt"), iterations, out);
    EXPECT_EQ(hex(out), expected) << iterations << " iterations";
  }
}

TEST(ConstantTime, equal_only_for_same_length_and_bytes) {
  const std::array<uint8_t, 4> a = {1, 2, 3, 4};
  const std::array<uint8_t, 4> b = {1, 2, 3, 5};
  const std::array<uint8_t, 3> c = {1, 2, 3};
  EXPECT_TRUE(equal_constant_time(a, a));
  EXPECT_FALSE(equal_constant_time(a, b));
  EXPECT_FALSE(equal_constant_time(a, c));
}

TEST(ConstantTime, wipe_zeroes_the_buffer) {
  std::array<uint8_t, 5> secret = {'1', '2', '3', '4', '5'};
  secure_wipe(secret);
  EXPECT_EQ(secret, (std::array<uint8_t, 5>{}));
}

}  // namespace
}  // namespace softbms::core
