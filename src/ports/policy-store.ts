import type { LoadedRepository } from '../model/repository.js';

/** Port: where the desired state comes from (files on disk; a test may hand in another). */
export interface PolicyStore {
  load(): LoadedRepository;
}
