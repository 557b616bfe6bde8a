#include "gateway/protobuf_arena.hpp"

#include <array>
#include <cstddef>
#include <memory>

namespace tether::gateway::protobuf_arena {
namespace {

// Large enough for an uplink with eight antennas, so the common case never touches the heap.
constexpr std::size_t block_size = 16 * 1024;

struct thread_arena {
  alignas(std::max_align_t) std::array<char, block_size> block;
  google::protobuf::Arena arena;

  static google::protobuf::ArenaOptions options(char* block) {
    google::protobuf::ArenaOptions o;
    o.initial_block = block;
    o.initial_block_size = block_size;
    return o;
  }
  thread_arena() : arena(options(block.data())) {}
};

}  // namespace

google::protobuf::Arena& fresh() {
  thread_local auto state = std::make_unique<thread_arena>();
  state->arena.Reset();
  return state->arena;
}

}  // namespace tether::gateway::protobuf_arena
