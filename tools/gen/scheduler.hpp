#pragma once

#include <cstdint>
#include <vector>

#include "script.hpp"

namespace flowfeat::gen {

// Time-ordered merge of all running scripts: always resumes the script with the earliest wake-up
// time (ties in the order they were queued), so packets come out in non-decreasing time order
// while only the conversations in progress are held in memory.
class Scheduler {
 public:
  Scheduler() = default;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  ~Scheduler();

  // Queues a script to start at time_us, which must not be before now().
  void spawn(Script script, std::int64_t time_us);

  // Runs until no script is left. A script that wants to wake after end_us is dropped there, the
  // way a capture window cuts the conversations still open when it closes.
  void run(std::int64_t end_us);

  std::int64_t now() const noexcept { return now_us_; }
  std::uint64_t truncated() const noexcept { return truncated_; }

 private:
  struct Entry {
    std::int64_t time_us;
    std::uint64_t order;
    Script::Handle handle;
  };

  void push(std::int64_t time_us, Script::Handle handle);

  std::vector<Entry> heap_;
  std::uint64_t next_order_ = 0;
  std::int64_t now_us_ = 0;
  std::uint64_t truncated_ = 0;
};

}  // namespace flowfeat::gen
