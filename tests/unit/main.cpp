#define BOOST_TEST_MODULE segmint
#include <boost/test/unit_test.hpp>
