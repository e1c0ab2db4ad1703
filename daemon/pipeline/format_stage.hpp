#pragma once

#include <array>
#include <memory>
#include <span>

#include "flowfeat/sink/output_layout.hpp"
#include "flowfeat/sink/record_formatter.hpp"
#include "slot.hpp"

namespace flowfeat::pipeline_detail {

// Formats a slot's records into the rows of each format a sink takes (CSV, JSON Lines), so that
// the serial sink only has to move bytes. Runs on several slots at once; the formatters are
// stateless.
class FormatStage {
 public:
  // Formats into the given formats only; none: the stage does nothing. Throws
  // std::invalid_argument as OutputLayout::schema() does.
  FormatStage(const OutputLayout& layout, std::span<const OutputFormat> formats);

  void process(Slot& slot) const;

 private:
  std::array<std::unique_ptr<RecordFormatter>, kOutputFormatCount> formatters_;
};

}  // namespace flowfeat::pipeline_detail
