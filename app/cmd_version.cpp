#include <ostream>

#include "app/cli.hpp"

namespace softbms::app {

int cmd_version(const Args& /*args*/, Io io) {
  io.out << "softbms " << SOFTBMS_VERSION << "\n";
  return kOk;
}

}  // namespace softbms::app
