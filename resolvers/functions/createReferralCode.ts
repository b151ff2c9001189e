import { runtime, util, type Context } from '@aws-appsync/utils';
import { keys } from '../../model/keys.ts';
import { codeAttributes } from '../../model/referral-code.ts';
import type { QueryReferralCodeArgs } from '../../generated/graphql.ts';

// 31 characters without 0/O, 1/I/L: codes are read aloud and typed from SMS.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 8;

// Hex offsets of 8 fully random bytes of a UUID v4 without its dashes: byte 6 ('4x', the version
// nibble) would only ever give 16 of the 31 characters, and byte 8 carries the variant bits.
const RANDOM_BYTES = [0, 2, 4, 6, 8, 10, 14, 18];

function newCode(): string {
  const hex = util.autoId().split('-').join('');
  let code = '';
  for (const i of RANDOM_BYTES.slice(0, CODE_LENGTH)) {
    const byte = Number.parseInt(hex.substring(i, i + 2), 16);
    code = code + ALPHABET.charAt(byte % ALPHABET.length);
  }
  return code;
}

export function request(ctx: Context<QueryReferralCodeArgs>) {
  const assignment = ctx.stash.assignment;
  if (!assignment || assignment.code || ctx.stash.code) runtime.earlyReturn(null);
  const code = newCode();
  ctx.stash.candidate = code;
  return {
    operation: 'TransactWriteItems',
    transactItems: [
      {
        table: ctx.env.MAIN_TABLE_NAME,
        operation: 'PutItem',
        key: util.dynamodb.toMapValues(keys.code(code)),
        attributeValues: util.dynamodb.toMapValues(
          codeAttributes(code, ctx.args.experimentId, ctx.args.userId, assignment.variant, assignment.phase || 1, util.time.nowISO8601()),
        ),
        condition: { expression: 'attribute_not_exists(pk)' },
      },
      {
        table: ctx.env.MAIN_TABLE_NAME,
        operation: 'UpdateItem',
        key: util.dynamodb.toMapValues(keys.assignment(ctx.args.experimentId, ctx.args.userId)),
        update: { expression: 'SET #code = :code', expressionNames: { '#code': 'code' }, expressionValues: util.dynamodb.toMapValues({ ':code': code }) },
        condition: { expression: 'attribute_exists(pk) AND attribute_not_exists(#code)', expressionNames: { '#code': 'code' } },
      },
    ],
  };
}

export function response(ctx: Context) {
  if (!ctx.error) {
    ctx.stash.code = ctx.stash.candidate;
    return ctx.stash.code;
  }
  if (ctx.error.type !== 'DynamoDB:TransactionCanceledException') util.error(ctx.error.message, ctx.error.type);
  // One reason per transact item. The assignment's condition failed: a concurrent request stored
  // the user's code first, and the failed condition hands back the current item, so its code is
  // the answer. Otherwise the code was taken (or the write conflicted): the next function retries.
  const reasons = (ctx.result && ctx.result.cancellationReasons) || [];
  const assignmentReason = reasons[1];
  if (assignmentReason && assignmentReason.type === 'ConditionalCheckFailed' && assignmentReason.item && assignmentReason.item.code) {
    ctx.stash.code = assignmentReason.item.code;
    return ctx.stash.code;
  }
  return null;
}
