#pragma once

#include "flowfeat/sink/record_formatter.hpp"
#include "slot.hpp"

namespace flowfeat::pipeline_detail {

// Formats a slot's records into file rows (CSV or JSON Lines), so that the serial sink only has to
// write bytes. Runs on several slots at once; the formatter is stateless.
class FormatStage {
 public:
  // formatter may be null (no files written): then the stage does nothing. It must outlive the stage.
  explicit FormatStage(const RecordFormatter* formatter) : formatter_(formatter) {}

  void process(Slot& slot) const;

 private:
  const RecordFormatter* formatter_;
};

}  // namespace flowfeat::pipeline_detail
