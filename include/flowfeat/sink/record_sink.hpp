#pragma once

#include <string_view>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/sink/record_formatter.hpp"

namespace flowfeat {

// A destination of the sink stage: the rotating record files, a Kafka topic. Each takes the rows of
// one output format, made from the records by the format stage on other threads, so a sink only
// moves bytes. Owned by one thread (the serial sink stage); not thread-safe.
class RecordSink {
 public:
  virtual ~RecordSink() = default;

  // The format of the rows write() takes.
  virtual OutputFormat row_format() const noexcept = 0;

  // One record and its row in row_format(), LF included. Never throws on an I/O or delivery
  // problem: what cannot be written or delivered is counted by the sink.
  virtual void write(const FeatureRecord& record, std::string_view row) = 0;

  // Called after every batch, with or without records: age rotation, delivery reports.
  virtual void tick() = 0;

  // Finishes the current file now (SIGHUP); nothing for a stream.
  virtual void rotate() = 0;

  // End of the stream: finishes, flushes and delivers what it can. Idempotent.
  virtual void close() = 0;
};

}  // namespace flowfeat
