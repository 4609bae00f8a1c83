/** checkAwsSolutions is not vacuous: a bucket without the basics is reported; an acknowledgement with a reason silences exactly its rule. */
import { expect, test } from 'vitest';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { checkAwsSolutions } from '../../../sdk/src/promote/synth-stack.js';

test('an unlogged, SSL-optional bucket is reported; acknowledging S1 leaves the SSL finding', () => {
  const stack = new Stack(new App(), 'Bare');
  const bucket = new s3.Bucket(stack, 'Bare');
  const rules = checkAwsSolutions(stack).findings.map((f) => f.rule);
  expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'a test bucket that nobody reads' });
  const after = checkAwsSolutions(stack);
  expect(after.findings.map((f) => f.rule)).not.toContain('AwsSolutions-S1');
  expect(after.findings.map((f) => f.rule)).toContain('AwsSolutions-S10');
  expect(after.acknowledged).toContainEqual({ id: 'Annotation::AwsSolutions-S1', path: 'Bare/Bare', reason: 'a test bucket that nobody reads' });
});
