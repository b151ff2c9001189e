import { util, type Context } from '@aws-appsync/utils';
import { get } from '@aws-appsync/utils/dynamodb';

export function request(ctx: Context<{ id: string }>) {
  return get({ key: { pk: `EXP#${ctx.args.id}`, sk: 'META' } });
}

export function response(ctx: Context) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  const item = ctx.result;
  if (!item) return null;
  // Experiments stored before goal metrics existed decide on the converting-referrer rate.
  if (!item.goalMetric) item.goalMetric = 'CONVERTING_REFERRER_RATE';
  return item;
}
