// Types for the test that imports boundaries.js (the eslint config itself stays plain JS).
import type { Linter } from 'eslint';

export declare const boundaries: Linter.Config[];
