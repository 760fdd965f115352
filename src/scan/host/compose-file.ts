// What a docker-compose file gives each service's environment: `environment:` as a mapping
// (`KEY: value`) or a list (`- KEY=value`, `- KEY` to pass a value through), and `env_file:`
// as a path, a list of paths, or a list of `{path, required}`. Values are as written;
// interpolation (${VAR} from the project's .env) is the caller's business.
import type { Assignment } from './assignment.js';
import { parseYaml, yamlGet, type YamlNode } from './mini-yaml.js';

export interface ComposeEnvFile {
  path: string;
  required: boolean;
  line: number;
}

export interface ComposeService {
  name: string;
  line: number;
  /** `environment:` entries; a value of null passes the variable through from the environment */
  environment: (Assignment & { passThrough: boolean })[];
  envFiles: ComposeEnvFile[];
}

/** The services of a compose file; throws YamlSubsetError when the file is beyond the YAML subset. */
export function parseComposeFile(text: string, file: string): ComposeService[] {
  const services = yamlGet(parseYaml(text), 'services');
  if (services?.kind !== 'map') return [];
  return services.entries.map(({ key: name, line, value: service }) => ({
    name,
    line,
    environment: environmentOf(yamlGet(service, 'environment'), name, file),
    envFiles: envFilesOf(yamlGet(service, 'env_file')),
  }));
}

function environmentOf(node: YamlNode | undefined, service: string, file: string): ComposeService['environment'] {
  const environment: ComposeService['environment'] = [];
  if (node?.kind === 'map') {
    for (const { key, line, value } of node.entries) {
      if (value.kind !== 'scalar') continue;
      environment.push({ variable: key, value: value.value ?? '', passThrough: value.value === null, file, line, column: value.column || undefined, section: service });
    }
  } else if (node?.kind === 'seq') {
    for (const item of node.items) {
      if (item.kind !== 'scalar' || item.value === null) continue;
      const eq = item.value.indexOf('=');
      const variable = eq === -1 ? item.value : item.value.slice(0, eq);
      const value = eq === -1 ? '' : item.value.slice(eq + 1);
      environment.push({ variable, value, passThrough: eq === -1, file, line: item.line, column: item.column + eq + 1, section: service });
    }
  }
  return environment;
}

function envFilesOf(node: YamlNode | undefined): ComposeEnvFile[] {
  if (!node) return [];
  const items = node.kind === 'seq' ? node.items : [node];
  const files: ComposeEnvFile[] = [];
  for (const item of items) {
    if (item.kind === 'scalar' && item.value !== null) files.push({ path: item.value, required: true, line: item.line });
    const path = yamlGet(item, 'path');
    if (path?.kind === 'scalar' && path.value !== null) {
      const required = yamlGet(item, 'required');
      files.push({ path: path.value, required: !(required?.kind === 'scalar' && required.value === 'false'), line: path.line });
    }
  }
  return files;
}
