export { GitHubClient, GraphQLError, explainGitHubError, graphqlUrl, isUnprocessable } from './client.js';
export type { GitHubClientOptions, GraphQLErrorEntry } from './client.js';
export { BLOBS_PER_QUERY, GitHubRepo, createCommitOnBranch, parseRepoName, readBlobTexts } from './repo.js';
export type { CommitSummary, CreatedCommit, FileAddition, PullRequest, RepoName, TreeEntry } from './repo.js';
