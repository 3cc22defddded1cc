/** Port: the repository's text files by the path the loader shows (relative to the working directory). `caac rollout advance` edits through it. */
export interface TextFiles {
  read(file: string): string;
  /** Replaces the file's content (atomically, on disk). */
  write(file: string, text: string): void;
}
