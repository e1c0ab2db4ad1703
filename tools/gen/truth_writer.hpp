#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "endpoints.hpp"

namespace flowfeat::gen {

// Ground truth in the UNSW-NB15 column style, one row per conversation:
// srcip,sport,dstip,dsport,proto,attack_cat,Label with the client as source.
class TruthWriter {
 public:
  explicit TruthWriter(const std::string& path);
  TruthWriter(const TruthWriter&) = delete;
  TruthWriter& operator=(const TruthWriter&) = delete;
  ~TruthWriter();

  // attack_category empty means normal traffic (Label 0).
  void add(const Endpoints& e, std::string_view attack_category);

  void close();

  std::uint64_t rows() const noexcept { return rows_; }
  std::uint64_t attack_rows() const noexcept { return attack_rows_; }

 private:
  std::FILE* file_ = nullptr;
  std::uint64_t rows_ = 0;
  std::uint64_t attack_rows_ = 0;
};

}  // namespace flowfeat::gen
