import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder holding package.json, found from this file upwards, so data files (migrations,
 * connector fixtures) are found the same way from src/ (tsx) and from dist/ (compiled).
 */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the gateway code');
    dir = parent;
  }
  return dir;
}
