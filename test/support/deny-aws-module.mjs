/** What test/support/deny-aws-import-map.json maps the AWS SDK to under Deno: loading it fails. */
throw new Error("deny-aws: refused to load the AWS SDK");
