/**
 * A Node module resolve hook that refuses every @aws-sdk module, by specifier or by resolved path:
 * a process running under it proves it never loads the AWS SDK (test/blob-lazy-aws.test.ts).
 * Registered by test/support/deny-aws-register.mjs (`node --import ./deny-aws-register.mjs`).
 */
const AWS = /(^@aws-sdk\/)|([\\/]node_modules[\\/]@aws-sdk[\\/])/;

export async function resolve(specifier, context, nextResolve) {
  if (AWS.test(specifier)) throw new Error(`deny-aws-loader: refused to load ${specifier}`);
  const resolved = await nextResolve(specifier, context);
  if (AWS.test(decodeURIComponent(resolved.url))) throw new Error(`deny-aws-loader: refused to load ${resolved.url}`);
  return resolved;
}
