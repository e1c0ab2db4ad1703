#pragma once

namespace flowfeat::gen {

class PacketWriter;
class Random;
class Scheduler;
class TruthWriter;

// What a running conversation script needs; everything outlives the scripts.
struct Context {
  Scheduler& scheduler;
  Random& random;
  PacketWriter& writer;
  TruthWriter& truth;
};

}  // namespace flowfeat::gen
