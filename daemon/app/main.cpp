#include "flowfeat/app/flowfeatd.hpp"

int main(int argc, char** argv) { return flowfeat::run_flowfeatd(argc, argv); }
