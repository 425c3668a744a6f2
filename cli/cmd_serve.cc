// `faultline serve` (serve_args.h): CLI11 flags, the environment as fallback, then serve_main.
#include <arpa/inet.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/serve_args.h"
#include "compose/service.h"
#include "system/io/assert.h"

namespace fl::cli {
namespace {

using compose::ServiceInfo;

// The raw text of every flag (converted and checked after parsing, so that the environment
// fills what the command line left out, with the same checks).
struct RawServe {
  std::vector<std::string> names;
  std::string port_base, port, node_name, pg, redis, kafka, topics, log_level, drain_ms, bind;
  std::vector<std::string> peers;
  std::map<std::string, std::string> service_options;  // option name -> text
};

struct EnvFlag {
  const char* flag;
  const char* env;
  std::string RawServe::*field;
};
constexpr EnvFlag kEnvFlags[] = {
    {"--port-base", "FL_PORT_BASE", &RawServe::port_base},
    {"--pg", "POSTGRES_URL", &RawServe::pg},
    {"--redis", "REDIS_URL", &RawServe::redis},
    {"--kafka", "KAFKA_BROKERS", &RawServe::kafka},
    {"--kafka-topics", "KAFKA_TOPICS", &RawServe::topics},
    {"--log-level", "LOG_LEVEL", &RawServe::log_level},
    {"--drain-ms", "FL_DRAIN_MS", &RawServe::drain_ms},
    {"--bind", "FL_BIND", &RawServe::bind},
};

// Every serve option of every registered service, once per name (first declaration wins).
std::vector<const compose::ServiceOption*> service_options() {
  std::vector<const compose::ServiceOption*> out;
  for (const ServiceInfo* s : compose::all_services()) {
    for (const auto& o : s->options) {
      if (o.simulation_only) continue;
      const bool seen = std::any_of(out.begin(), out.end(),
                                    [&](const auto* p) { return p->spec.name == o.spec.name; });
      if (!seen) out.push_back(&o);
    }
  }
  return out;
}

void declare(CLI::App& app, RawServe* raw) {
  app.add_option("services", raw->names, "services, systems, or all (default: all)");
  for (const auto& f : kEnvFlags)
    app.add_option(f.flag, raw->*(f.field), std::string("or $") + f.env);
  app.add_option("--port", raw->port, "the one named service's port (1024..65535)");
  app.add_option("--node-name", raw->node_name, "the one named service's node name");
  app.add_option("--peer", raw->peers, "NAME=HOST:PORT of a node this one calls")->take_all();
  for (const compose::ServiceOption* o : service_options()) {
    std::string& text = raw->service_options[o->spec.name];
    app.add_option(compose::flag_of(o->spec.name), text,
                   o->spec.doc + (o->env.empty() ? "" : " (or $" + o->env + ")"));
  }
}

// A numeric IPv4 or IPv6 address (no host names: a listener binds one address).
bool is_ip_address(const std::string& text) {
  unsigned char buf[sizeof(in6_addr)];
  return text.size() < INET6_ADDRSTRLEN && (inet_pton(AF_INET, text.c_str(), buf) == 1 ||
                                            inet_pton(AF_INET6, text.c_str(), buf) == 1);
}

// The services the names select, in registration order.
std::string select_services(const std::vector<std::string>& names, serve::ServeConfig* c) {
  const std::vector<const ServiceInfo*> services = compose::all_services();
  for (const auto& n : names) {
    const bool known =
        n == "all" || std::any_of(services.begin(), services.end(), [&](const ServiceInfo* s) {
          return s->name == n || s->system == n;
        });
    if (!known) return "unknown service or system '" + n + "'";
  }
  // A name is a service when one has it (the saga orchestrator is "saga"), else a system.
  const auto is_service = [&](const std::string& n) {
    return std::any_of(services.begin(), services.end(),
                       [&](const ServiceInfo* s) { return s->name == n; });
  };
  c->services.clear();
  for (const ServiceInfo* s : services) {
    bool wanted = names.empty() && s->default_port != 0;
    for (const auto& n : names) {
      wanted = wanted || n == s->name || (!is_service(n) && n == s->system) ||
               (n == "all" && s->default_port != 0);
    }
    if (wanted) c->services.push_back(s->name);
  }
  return c->services.empty() ? "no service selected" : "";
}

// A port in 1024..65535, or 0 (ephemeral) when allow_zero. "" or the problem.
std::string parse_port(const std::string& flag, const std::string& text, bool allow_zero,
                       int* out) {
  std::uint64_t v = 0;
  const bool ok =
      harness::parse_u64(text, &v) && ((v >= 1024 && v <= 65535) || (allow_zero && v == 0));
  if (!ok) {
    return flag + " must be " + (allow_zero ? "0 (ephemeral) or " : "") + "in 1024..65535, got '" +
           text + "'";
  }
  *out = static_cast<int>(v);
  return "";
}

std::string read_peers(const std::vector<std::string>& peers, serve::ServeConfig* c) {
  for (const auto& p : peers) {
    const auto eq = p.find('=');
    const auto colon = p.rfind(':');
    if (eq == std::string::npos || eq == 0 || colon == std::string::npos || colon < eq) {
      return "--peer takes NAME=HOST:PORT, got '" + p + "'";
    }
    c->peers[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return "";
}

// One service option's text as the JSON its spec wants ("" when it cannot be).
nlohmann::json option_value(const options::OptionSpec& spec, const std::string& text) {
  using Kind = options::OptionSpec::Kind;
  if (spec.kind == Kind::kString) return text;
  if (spec.kind == Kind::kBool)
    return text == "true"    ? nlohmann::json(true)
           : text == "false" ? nlohmann::json(false)
                             : nlohmann::json();
  const auto v = nlohmann::json::parse(text, nullptr, false);
  return v.is_number() ? v : nlohmann::json();
}

std::string read_service_options(const RawServe& raw, const GetEnv& getenv, serve::ServeConfig* c) {
  for (const auto& name : c->services) {
    const ServiceInfo* s = compose::find_service(name);
    nlohmann::json given = nlohmann::json::object();
    for (const auto& o : s->options) {
      if (o.simulation_only) continue;
      std::string text = raw.service_options.at(o.spec.name);
      const char* env = o.env.empty() ? nullptr : getenv(o.env.c_str());
      if (text.empty() && env != nullptr) text = env;
      if (text.empty()) continue;
      const std::string flag =
          compose::flag_of(o.spec.name) + (o.env.empty() ? "" : " (" + o.env + ")");
      const nlohmann::json v = option_value(o.spec, text);
      nlohmann::json one;
      if (v.is_null() || !options::validate_options({o.spec}, {{o.spec.name, v}}, &one).empty()) {
        return flag + " must be " + options::describe(o.spec) + ", got '" + text + "'";
      }
      given[o.spec.name] = v;
    }
    nlohmann::json resolved;
    if (std::string e = compose::resolve_service_options(*s, given, &resolved); !e.empty()) {
      return name + ": " + e;
    }
    c->options[name] = resolved;
  }
  return "";
}

std::string finish(RawServe raw, const GetEnv& getenv, serve::ServeConfig* c) {
  for (const auto& f : kEnvFlags) {
    if ((raw.*(f.field)).empty() && getenv(f.env) != nullptr) raw.*(f.field) = getenv(f.env);
  }
  if (std::string e = select_services(raw.names, c); !e.empty()) return e;
  if (!raw.port_base.empty()) {
    if (std::string e = parse_port("--port-base", raw.port_base, true, &c->port_base); !e.empty()) {
      return e;
    }
  }
  if (!raw.port.empty() || !raw.node_name.empty()) {
    if (c->services.size() != 1) return "--port and --node-name apply to one service: name one";
  }
  if (!raw.port.empty()) {
    if (std::string e = parse_port("--port", raw.port, false, &c->port); !e.empty()) return e;
  }
  c->node_name = raw.node_name;
  if (!raw.bind.empty()) {
    if (!is_ip_address(raw.bind)) {
      return "--bind (FL_BIND) must be an IPv4 or IPv6 address such as 0.0.0.0 or ::, got '" +
             raw.bind.substr(0, 64) + "'";
    }
    c->bind = raw.bind;
  }
  if (std::string e = read_peers(raw.peers, c); !e.empty()) return e;
  if (!raw.topics.empty() && raw.topics != "create" && raw.topics != "provisioned") {
    return "--kafka-topics (KAFKA_TOPICS) must be create or provisioned, got '" + raw.topics + "'";
  }
  c->kafka_topics_provisioned = raw.topics == "provisioned";
  c->pg = raw.pg;
  c->redis = raw.redis;
  c->kafka = raw.kafka;
  if (!raw.log_level.empty()) {
    const auto level = api::parse_log_level(raw.log_level);
    if (!level) return "log level must be debug, info, warn or error, got '" + raw.log_level + "'";
    c->log_level = *level;
  }
  if (!raw.drain_ms.empty()) {
    std::uint64_t v = 0;
    if (!harness::parse_u64(raw.drain_ms, &v) ||
        v > static_cast<std::uint64_t>(serve::kMaxDrainMs)) {
      return "--drain-ms (FL_DRAIN_MS) must be in 0.." + std::to_string(serve::kMaxDrainMs) +
             ", got '" + raw.drain_ms + "'";
    }
    c->drain_ms = static_cast<std::int64_t>(v);
  }
  if (std::string e = read_service_options(raw, getenv, c); !e.empty()) return e;
  return serve::check_stores(*c);
}

}  // namespace

std::string parse_serve_config(const std::vector<std::string>& args, const GetEnv& getenv,
                               serve::ServeConfig* config) {
  FL_ASSERT(config != nullptr);
  CLI::App app{"serve", "serve"};
  RawServe raw;
  declare(app, &raw);
  if (args.size() > kMaxArgs) return "too many arguments";
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return finish(std::move(raw), getenv, config);
}

int cmd_serve(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"Runs services in production: real HTTP, PostgreSQL, Redis, Kafka.", "serve"};
  RawServe raw;
  declare(app, &raw);
  if (auto code = parse_command(app, args, out, err)) return *code;
  serve::ServeConfig config;
  const GetEnv getenv = [](const char* name) { return std::getenv(name); };
  if (std::string e = finish(std::move(raw), getenv, &config); !e.empty()) {
    return usage_error(app, e, err);
  }
  out.flush();
  return serve::serve_main(config);
}

}  // namespace fl::cli
