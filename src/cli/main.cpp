#include "cli/app.h"

int main(int argc, char** argv) { return segmint::cli::run(argc, argv); }
