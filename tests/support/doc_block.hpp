#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace flowfeat::testing {

// Checks that the text between "<!-- begin NAME -->" and "<!-- end NAME -->" in a document (the
// README) is expected, the generated documentation of something the code defines. With
// FLOWFEAT_UPDATE_DOCS=1 in the environment it rewrites the block first.
inline void expect_doc_block(const std::string& path, const std::string& name, const std::string& expected) {
  std::string text;
  {
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << "cannot read " << path;
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  const std::string begin = "<!-- begin " + name + " -->\n";
  const std::string end = "<!-- end " + name + " -->";
  const std::size_t from = text.find(begin);
  const std::size_t to = text.find(end);
  ASSERT_TRUE(from != std::string::npos && to != std::string::npos && from < to)
      << path << " has no block \"" << name << "\" (" << begin << "... " << end << ")";
  const std::size_t content = from + begin.size();
  if (const char* update = std::getenv("FLOWFEAT_UPDATE_DOCS"); update != nullptr && std::string(update) == "1") {
    text.replace(content, to - content, expected);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    return;
  }
  EXPECT_EQ(text.substr(content, to - content), expected)
      << "the \"" << name << "\" block of " << path << " is out of date: regenerate it with FLOWFEAT_UPDATE_DOCS=1";
}

}  // namespace flowfeat::testing
