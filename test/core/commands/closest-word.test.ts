import { describe, expect, it } from 'vitest';
import { editDistance, findClosestWord } from '../../../src/core/commands/closest-word.ts';
import { COMMAND_VERBS } from '../../../src/core/commands/parse-command.ts';

describe('core/commands/closest-word', () => {
  it.each<[string, string, number]>([
    ['retry', 'retry', 0],
    ['retyr', 'retry', 1],
    ['rerty', 'retry', 1],
    ['rety', 'retry', 1],
    ['retryy', 'retry', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('editDistance(%s, %s) = %i', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
  });

  it.each<[string, string | undefined]>([
    ['retyr', 'retry'],
    ['RETYR', 'retry'],
    ['stpo', 'stop'],
    ['aprove', 'approve'],
    ['contiune', 'continue'],
    ['pasue', 'pause'],
    ['resum', 'resume'],
    ['hlep', 'help'],
    ['stat', 'status'],
    ['cont', 'continue'],
    ['x', undefined],
    ['go', undefined],
    ['deploy', undefined],
    ['rebase', undefined],
    ['', undefined],
  ])('findClosestWord(%s) = %s', (word, expected) => {
    expect(findClosestWord(word, COMMAND_VERBS)).toBe(expected);
  });
});
