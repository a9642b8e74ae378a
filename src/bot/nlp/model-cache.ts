import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../../logger';
import { MODEL_FORMAT, type Classifier, type ClassifierModel } from './classifier';
import type { KnowledgeBase } from './kb-loader';
import { packModel, unpackModel } from './model-file';

/** Trained models on disk, one file per model format and corpus version: `<dir>/<format>/<version>.model` (model-file.ts). */
export interface ModelCache {
  /** The cached model for version, or undefined when absent or unreadable. */
  read(version: string): ClassifierModel | undefined;
  write(model: ClassifierModel): void;
  pathFor(version: string): string;
}

/** Creates a cache rooted at dir (created on first write); format defaults to the classifier's MODEL_FORMAT. */
export function makeModelCache(deps: { dir: string; logger?: Logger; format?: string }): ModelCache {
  const { dir, logger, format = MODEL_FORMAT } = deps;
  // The format is part of the key: a model written by another release is never read as this one's
  // (files of older formats stay on disk, untouched, until someone deletes them).
  const pathFor = (version: string): string => {
    // The version is our own hash, but it becomes a file name: refuse anything path-like.
    if (!/^[\w-]+$/.test(version)) throw new Error(`invalid model version "${version}"`);
    return join(dir, format, `${version}.model`);
  };
  return {
    pathFor,
    read(version) {
      let file: Buffer;
      try {
        file = readFileSync(pathFor(version));
      } catch {
        return undefined;
      }
      try {
        const model = unpackModel(file) as ClassifierModel;
        if (
          model?.format !== format ||
          model.version !== version ||
          typeof model.nlp !== 'object' ||
          model.nlp === null ||
          typeof model.utterances !== 'object'
        ) {
          throw new Error('unexpected content');
        }
        return model;
      } catch (err) {
        logger?.warn({ version, err: (err as Error).message }, 'model cache file is corrupt; retraining');
        return undefined;
      }
    },
    write(model) {
      const target = pathFor(model.version);
      mkdirSync(dirname(target), { recursive: true });
      // Write then rename: a crash mid-write must not leave a truncated file that looks valid.
      const tmp = `${target}.${process.pid}.tmp`;
      writeFileSync(tmp, packModel(model));
      renameSync(tmp, target);
    },
  };
}

/** Restores the classifier from the cache when the corpus is unchanged, else trains and caches it. */
export async function loadOrTrain(deps: {
  kb: KnowledgeBase;
  cache: ModelCache;
  classifier: Classifier;
  logger?: Logger;
}): Promise<{ fromCache: boolean }> {
  const { kb, cache, classifier, logger } = deps;
  const cached = cache.read(kb.version);
  if (cached) {
    try {
      classifier.fromJSON(cached);
      logger?.info({ version: kb.version }, 'NLP model loaded from cache');
      return { fromCache: true };
    } catch (err) {
      // e.g. a file the classifier cannot restore: retrain and overwrite below.
      logger?.warn({ version: kb.version, err: (err as Error).message }, 'cached NLP model unusable; retraining');
    }
  }
  const started = Date.now();
  await classifier.train(kb);
  cache.write(classifier.toJSON());
  logger?.info({ version: kb.version, ms: Date.now() - started }, 'NLP model trained and cached');
  return { fromCache: false };
}
