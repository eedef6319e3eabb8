/** esbuild bundles CSS imports into the hashed stylesheet. */
declare module '*.css';
