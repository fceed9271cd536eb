// Test helper: the captured frames of testdata/jk-frames.txt (a comment line naming the source
// and protocol, then the frame as hex).
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace softbms::protocols::jk::testing {

struct Vector {
  std::string comment;
  std::vector<uint8_t> bytes;
  [[nodiscard]] bool says(const std::string& word) const {
    return comment.find(word) != std::string::npos;
  }
};

inline std::vector<uint8_t> from_hex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

inline const std::vector<Vector>& vectors() {
  static const std::vector<Vector> all = [] {
    std::vector<Vector> v;
    std::ifstream in(std::string(SOFTBMS_JK_TESTDATA) + "/jk-frames.txt");
    std::string line, comment;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.rfind("# source:", 0) == 0)
        comment = line;
      else if (!line.empty() && line[0] != '#')
        v.push_back({comment, from_hex(line)});
    }
    return v;
  }();
  return all;
}

// The first vector whose comment contains `word`.
inline const Vector& vector_named(const std::string& word) {
  for (const Vector& v : vectors()) {
    if (v.says(word)) return v;
  }
  static const Vector none;
  return none;
}

}  // namespace softbms::protocols::jk::testing
