#pragma once

#include "flowfeat/core/flow_record.hpp"

namespace flowfeat {

// Destination of flow records (CSV file, JSON Lines, ...). Owned by one thread; not thread-safe.
class RecordWriter {
 public:
  virtual ~RecordWriter() = default;

  // Appends one record. Throws std::system_error when the destination cannot be written.
  virtual void write(const FlowRecord& record) = 0;

  // Flushes and completes the output; no record may be written afterwards.
  virtual void close() = 0;
};

}  // namespace flowfeat
