import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HttpError } from '@mlops-actions/action-kit/http';
import { FakeGitHub } from '../../../test/fakes/github/server.js';
import { LocalRemote } from '../../gitops/__tests__/git-helpers.js';
import {
  GitHubClient,
  GitHubRepo,
  GraphQLError,
  explainGitHubError,
  graphqlUrl,
  isUnprocessable,
  parseRepoName,
} from '../src/index.js';
import { testDeadline } from '../../../test/helpers/deadline.js';

const TOKEN = 'ghs_clienttest_123';
let fake: FakeGitHub;
let remote: LocalRemote;
let client: GitHubClient;
let repo: GitHubRepo;

beforeAll(async () => {
  remote = new LocalRemote({ 'a.txt': 'a\n' });
  fake = await FakeGitHub.start(TOKEN, { 'acme/x': { bare: remote.bare, defaultBranch: 'main' } });
  client = new GitHubClient({ apiUrl: `${fake.apiUrl}/`, token: TOKEN, deadline: testDeadline() });
  repo = new GitHubRepo(client, parseRepoName('acme/x'));
});
afterAll(async () => {
  await client.close();
  await fake.stop();
  remote.remove();
});

describe('GitHubClient', () => {
  it('sends GitHub headers and the token as a bearer header', async () => {
    expect(await repo.defaultBranch()).toBe('main');
    expect(fake.requests.at(-1)).toMatchObject({ path: '/api/v3/repos/acme/x', authorized: true });
  });

  it('find() answers undefined on 404; rest() throws an HttpError with an explanation', async () => {
    expect(await repo.branchHead('nope')).toBeUndefined();
    const error = await client.rest('GET', '/repos/acme/missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(explainGitHubError(error)).toContain('not found');
  });

  it('422 is recognisable', async () => {
    const error = await repo.createBranch('main', remote.head()).catch((e: unknown) => e);
    expect(isUnprocessable(error)).toBe(true);
    expect((error as Error).message).toContain('Reference already exists');
  });

  it('GraphQL errors become a typed GraphQLError', async () => {
    const error = await client.graphql('query Nope { viewer { login } }', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).operation).toBe('Nope');
  });

  it('derives the GraphQL endpoint on github.com and GHES', () => {
    expect(graphqlUrl('https://api.github.com/')).toBe('https://api.github.com/graphql');
    expect(graphqlUrl('https://ghe.corp/api/v3')).toBe('https://ghe.corp/api/graphql');
  });

  it('parses owner/name', () => {
    expect(parseRepoName('acme/gitops.repo')).toEqual({ owner: 'acme', name: 'gitops.repo' });
    expect(() => parseRepoName('acme')).toThrow('owner/name');
  });
});
