import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CourseSchema, CreateCourseBodySchema, PageQuerySchema, UpdateCourseBodySchema, pageOf } from '@harbour/shared';
import type { Db } from '../../db/client';
import { STAFF_PROBLEMS, problems } from '../../lib/responses';
import { auditedWrite } from '../../plugins/audit';
import { changeCourse, createCourse, getCourse, listCoursePage } from './courses.service';

const IdParams = z.object({ id: z.uuid() });
const security = [{ bearerAuth: [] }];

export const coursesRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/v1/courses',
    {
      config: { access: { action: 'courses:read' } },
      schema: {
        operationId: 'listCourses',
        tags: ['courses'],
        summary: 'List courses with their rules',
        security,
        querystring: PageQuerySchema,
        response: { 200: pageOf(CourseSchema), ...STAFF_PROBLEMS },
      },
    },
    async (request) => listCoursePage(db, request.query),
  );

  app.get(
    '/v1/courses/:id',
    {
      config: { access: { action: 'courses:read' } },
      schema: {
        operationId: 'getCourse',
        tags: ['courses'],
        summary: 'One course with its rules',
        security,
        params: IdParams,
        response: { 200: CourseSchema, ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request) => getCourse(db, request.params.id),
  );

  app.post(
    '/v1/courses',
    {
      config: { access: { action: 'courses:write' } },
      schema: {
        operationId: 'createCourse',
        tags: ['courses'],
        summary: 'Create a course (admin)',
        security,
        body: CreateCourseBodySchema,
        response: { 201: CourseSchema, ...STAFF_PROBLEMS },
      },
    },
    async (request, reply) => reply.code(201).send(await auditedWrite(db, request, 201, (tx) => createCourse(tx, request.body))),
  );

  app.patch(
    '/v1/courses/:id',
    {
      config: { access: { action: 'courses:write' } },
      schema: {
        operationId: 'updateCourse',
        tags: ['courses'],
        summary: 'Change a course’s name, description or rules (admin)',
        description:
          'A change of the session count or length, or limits narrower than a cohort’s, is refused (422 RULE_VIOLATION, naming the cohorts) ' +
          'while the course has cohorts that are not completed or cancelled.',
        security,
        params: IdParams,
        body: UpdateCourseBodySchema,
        response: { 200: CourseSchema, ...STAFF_PROBLEMS, ...problems(404, 422) },
      },
    },
    async (request) => auditedWrite(db, request, 200, (tx) => changeCourse(tx, request.params.id, request.body)),
  );
};
