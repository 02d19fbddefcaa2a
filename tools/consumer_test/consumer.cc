// A program of another project that uses kompact from @kompact//...
#include <iostream>

#include "base/log.h"
#include "base/uuid.h"

int main() {
  kompact::Logger log = kompact::Logger().WithContext("app", "consumer");
  const kompact::Uuid id = kompact::Uuid::Random();
  KLOG(log, INFO) << "consumer built against kompact, id " << id;
  std::cout << "consumer ok " << id << std::endl;
  return id.version() == 4 ? 0 : 1;
}
