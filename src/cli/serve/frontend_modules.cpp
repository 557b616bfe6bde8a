// The list of frontend modules. Each factory is defined in its module's own file.

#include "cli/serve/frontend_modules.hpp"

namespace tether::cli {

std::unique_ptr<frontend_module> make_mqtt_module();         // mqtt_module.cpp: the plain broker
std::unique_ptr<frontend_module> make_gateway_v3_module();   // gateway_v3_module.cpp
std::unique_ptr<frontend_module> make_gateway_v2_module();   // gateway_v2_module.cpp
std::unique_ptr<frontend_module> make_application_module();  // application_module.cpp
std::unique_ptr<frontend_module> make_iot_module();          // iot_module.cpp: the IoT platform API
std::unique_ptr<frontend_module> make_http_module();         // http_module.cpp: /healthz, /readyz, /metrics
std::unique_ptr<frontend_module> make_connector_module();    // connector_module.cpp: outbound MQTT

frontend_modules make_frontend_modules() {
  frontend_modules modules;
  for (auto make : {make_mqtt_module, make_gateway_v3_module, make_gateway_v2_module, make_application_module,
                    make_iot_module, make_http_module, make_connector_module}) {
    modules.push_back(make());
  }
  return modules;
}

}  // namespace tether::cli
